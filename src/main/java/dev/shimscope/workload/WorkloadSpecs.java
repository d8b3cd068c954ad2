package dev.shimscope.workload;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.shimscope.workload.WorkloadSpec.Command;
import dev.shimscope.workload.WorkloadSpec.Readiness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads workload spec files (YAML) and checks them. Every problem is reported as one line
 * naming the file and the field, e.g. {@code spec catalog/redis/benchmark.yaml: server.ready:
 * give one of port, listening, log}. Unknown fields are errors, so a typo is never ignored.
 */
public final class WorkloadSpecs {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|min|h)?");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]*");

    private WorkloadSpecs() {
    }

    /** Thrown for a spec that cannot be used; the message is the one line to show. */
    public static final class SpecException extends IllegalArgumentException {
        SpecException(String message) {
            super(message);
        }
    }

    public static WorkloadSpec load(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        String where = "spec " + file;
        if (Files.isDirectory(abs)) {
            throw new SpecException(where + ": is a directory; give a spec file (YAML) or a catalog name");
        }
        if (!Files.isRegularFile(abs)) {
            throw new SpecException(where + ": no such file (give a spec file or a catalog name)");
        }
        JsonNode root;
        try {
            root = YAML.readTree(dev.shimscope.io.InputFiles.readText(abs, "a workload spec (YAML)"));
        } catch (JsonProcessingException e) {
            String loc = e.getLocation() != null ? " (line " + e.getLocation().getLineNr() + ")" : "";
            throw new SpecException(where + ": not valid YAML" + loc + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new SpecException(where + ": cannot read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new SpecException(where + ": expected a YAML mapping with app, workload, kind, test ...");
        }
        return new Reader(where, abs.getParent()).spec((ObjectNode) root, abs);
    }

    /**
     * A suite spec for a bare command line ({@code emulate -- CMD ARGS}): the command runs in
     * {@code workDir}, passes when it exits 0 within {@code timeout}, and every process it starts
     * gets the filter, as every process would on the OS being emulated. The app is named after the
     * program, the workload is "command".
     */
    public static WorkloadSpec forCommand(List<String> argv, Path workDir, Duration timeout) {
        return forCommand(argv, workDir, timeout, null);
    }

    /** As {@link #forCommand(List, Path, Duration)}; the output must also match {@code expect} if given. */
    public static WorkloadSpec forCommand(List<String> argv, Path workDir, Duration timeout, String expect) {
        if (argv.isEmpty() || argv.getFirst().isBlank()) {
            throw new SpecException("no command given after --");
        }
        Path cwd = workDir.toAbsolutePath().normalize();
        if (broad(cwd)) {
            // a run would see all of it (read-only): another user's temporary files, a whole home;
            // the command runs in its scratch directory instead (give paths to files absolutely)
            cwd = null;
        }
        String program = Path.of(argv.getFirst()).getFileName().toString();
        String app = NAME.matcher(program).matches() ? program : "command";
        // the program's directory is the spec's directory: the runner binds both it and the working
        // directory into the sandbox when they are in places it hides (/tmp ...)
        Path base = cwd != null ? cwd : workDir.toAbsolutePath().normalize();
        Path dir = argv.getFirst().contains("/") ? base.resolve(argv.getFirst()).normalize().getParent() : cwd;
        if (cwd == null && argv.getFirst().contains("/")) {
            List<String> absolute = new ArrayList<>(argv);
            absolute.set(0, base.resolve(argv.getFirst()).normalize().toString());
            argv = absolute;
        }
        Pattern expected = null;
        if (expect != null) {
            try {
                expected = Pattern.compile(expect, Pattern.MULTILINE);
            } catch (PatternSyntaxException e) {
                throw new SpecException("--expect: not a valid regular expression: " + e.getDescription());
            }
        }
        WorkloadSpec.Test test = new WorkloadSpec.Test(Command.argv(argv), timeout, expected, null);
        // the program (resolved on the sandbox's PATH) is the binary: hashed, versioned, analysed
        Path binary = dev.shimscope.sandbox.Commands.resolve(argv.getFirst(), base);
        if (dir == null) {
            dir = binary.getParent(); // a program on PATH: its directory (a system tree, seen anyway)
        }
        return new WorkloadSpec(base.resolve("(command line)"), dir, app, "command", WorkloadKind.SUITE,
                String.join(" ", argv), List.of(), binary, null, null, Map.of(), cwd, List.of(), null, test);
    }

    /**
     * The files beside the spec that it depends on: those the spec names (scripts, configuration),
     * and, in turn, those these files name (e.g. the expected output a script compares with), in
     * the order they are found. A "name" is any word that is the path of a file in the spec's
     * directory.
     */
    public static List<Path> namedFiles(WorkloadSpec spec) {
        java.util.LinkedHashSet<Path> found = new java.util.LinkedHashSet<>();
        java.util.ArrayDeque<Path> toScan = new java.util.ArrayDeque<>(List.of(spec.file()));
        while (!toScan.isEmpty()) {
            Path f = toScan.removeFirst();
            String text;
            try {
                text = Files.readString(f);
            } catch (IOException | java.io.UncheckedIOException e) {
                continue; // not text (or unreadable): it names nothing
            }
            for (String token : text.split("[\\s\"'\\[\\],:;=()`{}<>|&]+")) {
                if (token.isEmpty() || token.startsWith("#")) {
                    continue;
                }
                token = token.replaceFirst("^\\$SPEC_DIR/|^\\$\\{SPEC_DIR}/", "");
                try {
                    Path p = spec.dir().resolve(token).normalize();
                    if (p.startsWith(spec.dir()) && !p.equals(spec.file()) && Files.isRegularFile(p) && found.add(p)) {
                        toScan.addLast(p);
                    }
                } catch (java.nio.file.InvalidPathException e) {
                    // not a path
                }
            }
        }
        return List.copyOf(found);
    }

    /** True for directories too broad to show a run: the root, the shared temporary directories, a home and above. */
    private static boolean broad(Path dir) {
        Path home = dev.shimscope.io.UserDirs.home().toAbsolutePath().normalize();
        return dir.getNameCount() == 0 || dir.equals(Path.of("/tmp")) || dir.equals(Path.of("/var/tmp"))
                || home.startsWith(dir) || dir.equals(Path.of("/home"));
    }

    /** Parses "10s", "500ms", "2m", "1.5" (seconds). */
    public static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a duration: '" + text + "' (examples: 500ms, 10s, 2m)");
        }
        double v = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double millis = switch (unit) {
            case "ms" -> v;
            case "s" -> v * 1000;
            case "m", "min" -> v * 60_000;
            case "h" -> v * 3_600_000;
            default -> throw new IllegalArgumentException(unit);
        };
        return Duration.ofMillis(Math.round(millis));
    }

    /**
     * Every field a spec may have, by the path of the object it is in ({@code ""} is the top
     * level): anything else is an error. docs/workload-spec.md documents each one (a test checks).
     */
    public static final Map<String, Set<String>> FIELDS = Map.of(
            "", Set.of("app", "workload", "kind", "description", "packages", "binary", "only", "parallel", "env",
                    "workdir", "writable", "server", "test", "prepare", "tests", "metric"),
            "metric.", Set.of("name", "regex", "better"),
            "server.", Set.of("command", "ready", "timeout", "stop", "mayExit"),
            "server.ready.", Set.of("port", "listening", "log", "file"),
            "server.stop.", Set.of("signal", "grace"),
            "test.", Set.of("command", "timeout", "expect", "reject"),
            "tests.", Set.of("list", "ids", "passed", "failed"));

    /** Field access with the path of the field in every error. */
    private record Reader(String where, Path dir) {

        WorkloadSpec spec(ObjectNode root, Path file) {
            allowOnly(root, "", FIELDS.get(""));
            String app = name(root, "app");
            String workload = name(root, "workload");
            WorkloadKind kind = switch (requiredText(root, "kind")) {
                case "benchmark" -> WorkloadKind.BENCHMARK;
                case "suite" -> WorkloadKind.SUITE;
                default -> throw error("kind", "must be 'benchmark' or 'suite'");
            };
            String description = optionalText(root, "description", "");
            List<String> packages = stringList(root, "packages");
            Path binary = root.has("binary") ? absolute(requiredText(root, "binary")) : null;
            Path only = root.has("only") ? absolute(requiredText(root, "only")) : null;
            Integer parallel = null;
            if (root.has("parallel")) {
                JsonNode p = root.get("parallel");
                if (!p.canConvertToInt() || p.asInt() < 1 || p.asInt() > 64) {
                    throw error("parallel", "must be a number from 1 to 64");
                }
                parallel = p.asInt();
            }
            Map<String, String> env = new LinkedHashMap<>();
            if (root.has("env")) {
                JsonNode e = root.get("env");
                if (!e.isObject()) {
                    throw error("env", "must be a mapping NAME: value");
                }
                e.fields().forEachRemaining(f -> {
                    if (!f.getKey().matches("[A-Za-z_][A-Za-z0-9_]*")) {
                        throw error("env", "'" + f.getKey() + "' is not a variable name");
                    }
                    if (!f.getValue().isValueNode()) {
                        throw error("env." + f.getKey(), "must be a plain value");
                    }
                    if (f.getValue().asText().contains("$(") || f.getValue().asText().contains("`")) {
                        throw error("env." + f.getKey(), "variables ($SCRATCH, ${SPEC_DIR}) are expanded,"
                                + " commands ($(...), `...`) are not allowed");
                    }
                    env.put(f.getKey(), f.getValue().asText());
                });
            }
            Path workDir = root.has("workdir") ? absolute(requiredText(root, "workdir")) : dir;
            if (!Files.isDirectory(workDir)) {
                throw error("workdir", "no such directory: " + workDir);
            }
            List<Path> writable = new ArrayList<>();
            for (String w : stringList(root, "writable")) {
                Path p = absolute(w);
                if (!Files.exists(p)) {
                    throw error("writable", "no such file or directory: " + p);
                }
                writable.add(p);
            }
            WorkloadSpec.Server server = null;
            if (kind == WorkloadKind.BENCHMARK) {
                if (!root.has("server")) {
                    throw error("server", "a benchmark needs a server (command, ready, ...)");
                }
                server = server(object(root, "server"));
            } else if (root.has("server")) {
                throw error("server", "a suite has no server: its test command runs the whole workload");
            }
            if (!root.has("test")) {
                throw error("test", "missing: the " + (server != null ? "client" : "suite") + " command and its checks");
            }
            WorkloadSpec.Test test = test(object(root, "test"));
            Command prepare = root.has("prepare") ? command(root, "prepare") : null;
            WorkloadSpec.Tests tests = null;
            if (root.has("tests")) {
                if (kind != WorkloadKind.SUITE) {
                    throw error("tests", "only a suite is made of tests (a benchmark's client is one test)");
                }
                tests = tests(object(root, "tests"));
            }
            WorkloadSpec.Metric metric = root.has("metric") ? metric(object(root, "metric")) : null;
            return new WorkloadSpec(file, dir, app, workload, kind, description, packages, binary, only, parallel,
                    env, workDir, writable, server, test, prepare, tests, metric);
        }

        WorkloadSpec.Metric metric(ObjectNode m) {
            allowOnly(m, "metric.", FIELDS.get("metric."));
            if (!m.has("regex")) {
                throw error("metric.regex", "missing: a regex with a group named value, e.g. 'Requests/sec:\\s+(?<value>[\\d.]+)'");
            }
            Pattern regex = regex(requiredText(m, "regex"), "metric.regex");
            if (!regex.pattern().contains("(?<value>")) {
                throw error("metric.regex", "needs a group named value: (?<value>[\\d.]+)");
            }
            String better = m.has("better") ? requiredText(m, "better") : "higher";
            if (!better.equals("higher") && !better.equals("lower")) {
                throw error("metric.better", "must be 'higher' (a throughput) or 'lower' (a latency, a duration)");
            }
            String name = m.has("name") ? requiredText(m, "name") : "metric";
            return new WorkloadSpec.Metric(name, regex, better.equals("higher"));
        }

        WorkloadSpec.Server server(ObjectNode s) {
            allowOnly(s, "server.", FIELDS.get("server."));
            Command command = command(s, "server.command");
            if (command.isShell() && command.shell().matches(".*(\\||&&|;|>|<|`|\\$\\().*")) {
                throw error("server.command", "must be one program with arguments (no pipes, lists, redirections"
                        + " or command substitution): the filter applies to the server itself");
            }
            if (!s.has("ready")) {
                throw error("server.ready", "missing: give one of port, listening, log");
            }
            ObjectNode r = object(s, "ready", "server.ready");
            allowOnly(r, "server.ready.", FIELDS.get("server.ready."));
            int given = (r.has("port") ? 1 : 0) + (r.has("listening") ? 1 : 0) + (r.has("log") ? 1 : 0);
            if (given != 1) {
                throw error("server.ready", "give exactly one of port, listening, log");
            }
            Readiness ready;
            if (r.has("port")) {
                ready = new Readiness.Port(port(r, "port", "server.ready.port"));
            } else if (r.has("listening")) {
                ready = new Readiness.Listening(port(r, "listening", "server.ready.listening"));
            } else {
                ready = new Readiness.LogLine(regex(r.get("log").asText(), "server.ready.log"),
                        r.has("file") ? r.get("file").asText() : null);
            }
            Duration timeout = duration(s, "timeout", "server.timeout", Duration.ofSeconds(10));
            String signal = "TERM";
            Duration grace = Duration.ofSeconds(2);
            if (s.has("stop")) {
                ObjectNode st = object(s, "stop", "server.stop");
                allowOnly(st, "server.stop.", FIELDS.get("server.stop."));
                if (st.has("signal")) {
                    signal = st.get("signal").asText().toUpperCase().replaceFirst("^SIG", "");
                    if (!signal.matches("TERM|INT|QUIT|HUP|USR1|USR2|KILL")) {
                        throw error("server.stop.signal", "'" + st.get("signal").asText()
                                + "' is not one of TERM, INT, QUIT, HUP, USR1, USR2, KILL");
                    }
                }
                grace = duration(st, "grace", "server.stop.grace", grace);
            }
            boolean mayExit = s.has("mayExit") && bool(s, "mayExit", "server.mayExit");
            return new WorkloadSpec.Server(command, ready, timeout, signal, grace, mayExit);
        }

        WorkloadSpec.Tests tests(ObjectNode t) {
            allowOnly(t, "tests.", FIELDS.get("tests."));
            if (t.has("list") == t.has("ids")) {
                throw error("tests", "give exactly one of list (a command printing the test ids) and ids (the ids)");
            }
            Command list = t.has("list") ? command(t, "tests.list") : null;
            List<String> ids = t.has("ids") ? stringList(t, "ids") : null;
            if (ids != null && ids.isEmpty()) {
                throw error("tests.ids", "is empty");
            }
            if (ids != null) {
                for (String id : ids) {
                    if (!id.matches("[^\\s'\"]+")) {
                        throw error("tests.ids", "'" + id + "' is not a test id (no spaces or quotes)");
                    }
                }
            }
            if (!t.has("passed")) {
                throw error("tests.passed", "missing: a regex with a group named test, e.g. '^ok (?<test>\\S+)'");
            }
            Pattern passed = testPattern(t, "passed");
            Pattern failed = t.has("failed") ? testPattern(t, "failed") : null;
            return new WorkloadSpec.Tests(list, ids, passed, failed);
        }

        private Pattern testPattern(ObjectNode t, String field) {
            Pattern p = regex(t.get(field).asText(), "tests." + field);
            if (!p.pattern().contains("(?<test>")) {
                throw error("tests." + field, "needs a group named test: (?<test>...)");
            }
            return p;
        }

        WorkloadSpec.Test test(ObjectNode t) {
            allowOnly(t, "test.", FIELDS.get("test."));
            Command command = command(t, "test.command");
            Duration timeout = duration(t, "timeout", "test.timeout", Duration.ofMinutes(5));
            Pattern expect = t.has("expect") ? regex(t.get("expect").asText(), "test.expect") : null;
            Pattern reject = t.has("reject") ? regex(t.get("reject").asText(), "test.reject") : null;
            return new WorkloadSpec.Test(command, timeout, expect, reject);
        }

        Command command(ObjectNode parent, String path) {
            String field = path.substring(path.lastIndexOf('.') + 1);
            JsonNode c = parent.get(field);
            if (c == null || c.isNull()) {
                throw error(path, "missing");
            }
            if (c.isTextual()) {
                if (c.asText().isBlank()) {
                    throw error(path, "is empty");
                }
                return Command.shell(c.asText().strip());
            }
            if (c.isArray() && !c.isEmpty()) {
                List<String> argv = new ArrayList<>();
                c.forEach(x -> {
                    if (!x.isValueNode()) {
                        throw error(path, "list items must be strings");
                    }
                    argv.add(x.asText());
                });
                return Command.argv(argv);
            }
            throw error(path, "must be a shell line or a non-empty list of arguments");
        }

        int port(ObjectNode n, String field, String path) {
            JsonNode p = n.get(field);
            if (!p.canConvertToInt() || p.asInt() < 1 || p.asInt() > 65535) {
                throw error(path, "must be a TCP port (1-65535)");
            }
            return p.asInt();
        }

        Pattern regex(String text, String path) {
            try {
                return Pattern.compile(text, Pattern.MULTILINE);
            } catch (PatternSyntaxException e) {
                throw error(path, "not a valid regular expression: " + e.getDescription());
            }
        }

        Duration duration(ObjectNode n, String field, String path, Duration dflt) {
            if (!n.has(field)) {
                return dflt;
            }
            try {
                Duration d = parseDuration(n.get(field).asText());
                if (d.isZero()) {
                    throw error(path, "must be more than 0");
                }
                return d;
            } catch (SpecException e) {
                throw e;
            } catch (IllegalArgumentException e) {
                throw error(path, e.getMessage());
            }
        }

        boolean bool(ObjectNode n, String field, String path) {
            JsonNode b = n.get(field);
            if (!b.isBoolean()) {
                throw error(path, "must be true or false");
            }
            return b.asBoolean();
        }

        String name(ObjectNode n, String field) {
            String v = requiredText(n, field);
            if (!NAME.matcher(v).matches()) {
                throw error(field, "'" + v + "' must be a simple name (letters, digits, . _ + -)");
            }
            return v;
        }

        String requiredText(ObjectNode n, String field) {
            JsonNode v = n.get(field);
            if (v == null || v.isNull()) {
                throw error(field, "missing");
            }
            if (!v.isValueNode() || v.asText().isBlank()) {
                throw error(field, "must be a non-empty text");
            }
            return v.asText().strip();
        }

        String optionalText(ObjectNode n, String field, String dflt) {
            return n.has(field) ? requiredText(n, field) : dflt;
        }

        List<String> stringList(ObjectNode n, String field) {
            List<String> out = new ArrayList<>();
            JsonNode v = n.get(field);
            if (v == null) {
                return out;
            }
            if (v.isTextual()) {
                out.add(v.asText());
                return out;
            }
            if (!v.isArray()) {
                throw error(field, "must be a list");
            }
            v.forEach(x -> {
                if (!x.isValueNode() || x.asText().isBlank()) {
                    throw error(field, "items must be non-empty texts");
                }
                out.add(x.asText().strip());
            });
            return out;
        }

        ObjectNode object(ObjectNode n, String field) {
            return object(n, field, field);
        }

        ObjectNode object(ObjectNode n, String field, String path) {
            JsonNode v = n.get(field);
            if (v == null || !v.isObject()) {
                throw error(path, "must be a mapping");
            }
            return (ObjectNode) v;
        }

        Path absolute(String p) {
            return dir.resolve(p).normalize();
        }

        void allowOnly(ObjectNode n, String prefix, Set<String> allowed) {
            for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (!allowed.contains(f)) {
                    throw error(prefix + f, "unknown field (known: " + String.join(", ", allowed.stream().sorted().toList()) + ")");
                }
            }
        }

        SpecException error(String field, String problem) {
            return new SpecException(where + ": " + field + ": " + problem);
        }
    }
}
