package dev.shimscope.explore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shimscope.model.Json;
import dev.shimscope.model.RunRecord;
import dev.shimscope.model.ShimConfiguration;
import dev.shimscope.model.Treatment;
import dev.shimscope.syscall.SyscallTable;
import dev.shimscope.syscall.args.ArgumentValue;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;

/**
 * The record of finished work that makes an exploration resumable: one JSON object per line
 * (a header naming the spec and binary it belongs to, the baseline, the trace, each finished
 * experiment), appended and flushed as each finishes. A line cut short by a crash is ignored
 * when reading. Runs that end because the tool is shutting down are not recorded: they were
 * killed by us and say nothing about the application.
 */
public final class Journal implements ExploreListener, AutoCloseable {

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private final BufferedWriter out;
    private List<RunRecord> baseline;
    private List<UsedSyscall> used;
    private SortedMap<String, SortedMap<String, SortedMap<String, Long>>> usedArgs;
    private TestIndex testIndex;
    private FeatureUse features;
    private final Map<String, ExperimentResult> experiments = new HashMap<>();

    private Journal(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
        this.out = new BufferedWriter(new java.io.OutputStreamWriter(Channels.newOutputStream(channel), StandardCharsets.UTF_8));
    }

    /** Another exploration holds the journal: its process id (0 if unknown). */
    public static final class JournalBusyException extends IllegalStateException {
        private final long pid;

        JournalBusyException(Path file, long pid) {
            super("another exploration" + (pid > 0 ? " (pid " + pid + ")" : "") + " is writing the journal " + file);
            this.pid = pid;
        }

        public long pid() {
            return pid;
        }
    }

    /**
     * A journal exists where a new exploration would start one: {@code experiments} finished
     * experiments of an exploration that did not finish; {@code sameIdentity} false when it
     * belongs to another version of the spec or binary (it cannot be resumed then).
     */
    public static final class JournalExistsException extends IllegalStateException {
        private final Path file;
        private final int experiments;
        private final boolean sameIdentity;
        private final String difference;

        JournalExistsException(Path file, int experiments, boolean sameIdentity, String difference) {
            super((sameIdentity ? "an exploration that did not finish (it failed or was interrupted) left a journal with "
                    + experiments + " finished experiments at " + file
                    : "the journal " + file + " belongs to another version of the spec or binary (" + difference
                    + ") and cannot be resumed"));
            this.file = file;
            this.experiments = experiments;
            this.sameIdentity = sameIdentity;
            this.difference = difference;
        }

        public Path file() {
            return file;
        }

        public int experiments() {
            return experiments;
        }

        public boolean sameIdentity() {
            return sameIdentity;
        }

        public String difference() {
            return difference;
        }
    }

    /** No journal to resume. */
    public static final class NothingToResumeException extends IllegalStateException {
        NothingToResumeException(Path file) {
            super("nothing to resume: no journal at " + file);
        }
    }

    /**
     * Opens the journal at {@code file}, owned by this process until closed: an {@code fcntl}
     * lock on the journal itself (dropped by the kernel if the process dies), so a second
     * exploration on the same journal is refused, naming the first (each owner appends a line
     * with its pid). With {@code resume}, reads what it holds (it must belong to the same spec
     * and binary: {@code identity}); without, there must be none.
     */
    public static Journal open(Path file, Map<String, String> identity, boolean resume) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        boolean existed = Files.exists(file);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this very process (another thread's exploration)
        }
        if (lock == null) {
            channel.close();
            throw new JournalBusyException(file, lastOwner(file));
        }
        try {
            boolean hasContent = existed && channel.size() > 0;
            if (!hasContent && resume) {
                throw new NothingToResumeException(file);
            }
            Journal j = new Journal(file, channel, lock);
            if (hasContent) {
                String difference = j.load(identity);
                if (difference != null || !resume) {
                    throw new JournalExistsException(file, j.experiments.size(), difference == null, difference);
                }
            } else {
                ObjectNode header = Json.mapper().createObjectNode().put("type", "header");
                identity.forEach(header::put);
                j.append(header);
            }
            j.append(Json.mapper().createObjectNode().put("type", "owner").put("pid", ProcessHandle.current().pid()));
            return j;
        } catch (IOException | RuntimeException e) {
            if (!existed) {
                Files.deleteIfExists(file); // created just now (nothing to resume): leave nothing behind
            }
            lock.release();
            channel.close();
            throw e;
        }
    }

    /** The pid of the newest owner line, 0 if none can be read. */
    private static long lastOwner(Path file) {
        long pid = 0;
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.contains("\"owner\"")) {
                    try {
                        pid = Json.mapper().readTree(line).path("pid").asLong(pid);
                    } catch (IOException e) {
                        // a line cut short
                    }
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0;
        }
        return pid;
    }

    /**
     * Reads the journal; returns null when its header matches {@code identity}, else what differs
     * ("specSha256 ab12..., now cd34...").
     */
    private String load(Map<String, String> identity) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        boolean headerSeen = false;
        String difference = null;
        for (String line : lines) {
            JsonNode n;
            try {
                n = Json.mapper().readTree(line);
            } catch (IOException e) {
                continue; // a line cut short by a crash
            }
            if (n == null || !n.has("type")) {
                continue;
            }
            switch (n.get("type").asText()) {
                case "header" -> {
                    headerSeen = true;
                    for (Map.Entry<String, String> e : identity.entrySet()) {
                        String recorded = n.path(e.getKey()).asText(null);
                        if (!Objects.equals(recorded, e.getValue()) && difference == null) {
                            difference = e.getKey() + " " + recorded + ", now " + e.getValue();
                        }
                    }
                }
                case "baseline" -> baseline = runs(n.get("runs"));
                case "trace" -> {
                    List<UsedSyscall> u = new ArrayList<>();
                    n.get("used").forEach(x -> u.add(new UsedSyscall(TABLE.byNumber(x.get("number").asInt()),
                            x.get("calls").asLong(), x.path("alwaysZero").asBoolean(false))));
                    used = u;
                }
                case "args" -> usedArgs = Json.mapper().convertValue(n.get("args"), ARGS);
                case "tests" -> {
                    Map<String, SortedSet<Integer>> usedBy = Json.mapper().convertValue(n.get("used"), USED_BY);
                    Map<String, Long> millis = Json.mapper().convertValue(n.get("millis"), MILLIS);
                    SortedMap<String, String> excluded = Json.mapper().convertValue(n.get("excluded"), EXCLUDED);
                    testIndex = new TestIndex(Json.mapper().convertValue(n.get("tests"), STRINGS), usedBy, millis, excluded);
                }
                case "features" -> features = features(n);
                case "experiment" -> {
                    Experiment e;
                    if (n.has("path")) {
                        e = Experiment.of(Json.mapper().convertValue(n.get("path"), ShimConfiguration.PathRule.class));
                    } else {
                        // "mode" is what journals of earlier versions call the treatment
                        String t = n.has("treatment") ? n.get("treatment").asText() : n.get("mode").asText();
                        ArgumentValue v = n.has("value") ? Json.mapper().convertValue(n.get("value"), ArgumentValue.class) : null;
                        e = new Experiment(TABLE.byNumber(n.get("syscall").asInt()), Treatment.parse(t), v, null);
                    }
                    List<String> tests = n.has("tests") ? Json.mapper().convertValue(n.get("tests"), STRINGS) : null;
                    experiments.put(e.key(), new ExperimentResult(e, runs(n.get("runs")), runs(n.get("confirmation")), tests));
                }
                default -> { }
            }
        }
        if (!headerSeen) {
            return "no header";
        }
        return difference;
    }

    private static final com.fasterxml.jackson.core.type.TypeReference<SortedMap<String, SortedMap<String, SortedMap<String, Long>>>> ARGS =
            new com.fasterxml.jackson.core.type.TypeReference<>() { };
    private static final SyscallTable TABLE = SyscallTable.x86_64();
    private static final com.fasterxml.jackson.core.type.TypeReference<List<String>> STRINGS = new com.fasterxml.jackson.core.type.TypeReference<>() { };
    private static final com.fasterxml.jackson.core.type.TypeReference<Map<String, SortedSet<Integer>>> USED_BY =
            new com.fasterxml.jackson.core.type.TypeReference<>() { };
    private static final com.fasterxml.jackson.core.type.TypeReference<Map<String, Long>> MILLIS = new com.fasterxml.jackson.core.type.TypeReference<>() { };
    private static final com.fasterxml.jackson.core.type.TypeReference<SortedMap<String, String>> EXCLUDED =
            new com.fasterxml.jackson.core.type.TypeReference<>() { };

    private static FeatureUse features(JsonNode n) {
        SortedMap<dev.shimscope.syscall.Syscall, SortedMap<ArgumentValue, Long>> values = new TreeMap<>();
        n.path("values").forEach(x -> values.computeIfAbsent(TABLE.byNumber(x.get("syscall").asInt()), k -> new TreeMap<>())
                .put(Json.mapper().convertValue(x.get("value"), ArgumentValue.class), x.get("calls").asLong()));
        SortedMap<String, FeatureUse.PathSeen> paths = new TreeMap<>();
        n.path("paths").forEach(x -> paths.put(x.get("path").asText(), new FeatureUse.PathSeen(x.get("named").asText(),
                x.get("calls").asLong(), x.get("failed").asLong())));
        SortedMap<String, SortedSet<String>> tests = Json.mapper().convertValue(n.path("tests"), PATH_TESTS);
        return new FeatureUse(values, paths, tests == null ? new TreeMap<>() : tests);
    }

    private static final com.fasterxml.jackson.core.type.TypeReference<SortedMap<String, SortedSet<String>>> PATH_TESTS =
            new com.fasterxml.jackson.core.type.TypeReference<>() { };

    private static List<RunRecord> runs(JsonNode array) {
        List<RunRecord> runs = new ArrayList<>();
        if (array == null) {
            return runs;
        }
        array.forEach(r -> runs.add(Json.mapper().convertValue(r, RunRecord.class)));
        return runs;
    }

    public Path file() {
        return file;
    }

    public List<RunRecord> baseline() {
        return baseline;
    }

    public List<UsedSyscall> used() {
        return used;
    }

    /** Argument values of the traced run (empty for journals of earlier versions). */
    public SortedMap<String, SortedMap<String, SortedMap<String, Long>>> usedArgs() {
        return usedArgs == null ? new TreeMap<>() : usedArgs;
    }

    /** The index of a suite made of tests (null if none was recorded). */
    public TestIndex testIndex() {
        return testIndex;
    }

    /** Argument values and files of the traced run (none for journals of earlier versions). */
    public FeatureUse features() {
        return features == null ? FeatureUse.none() : features;
    }

    public ExperimentResult experiment(Experiment e) {
        return experiments.get(e.key());
    }

    public int experimentCount() {
        return experiments.size();
    }

    @Override
    public void on(ExploreEvent event) {
        switch (event) {
            case ExploreEvent.BaselineFinished b -> {
                if (baseline == null) {
                    ObjectNode n = Json.mapper().createObjectNode().put("type", "baseline");
                    n.set("runs", Json.mapper().valueToTree(b.runs()));
                    append(n);
                }
            }
            case ExploreEvent.TraceFinished t -> {
                ObjectNode n = Json.mapper().createObjectNode().put("type", "trace");
                ArrayNode a = n.putArray("used");
                t.used().forEach(u -> a.addObject().put("number", u.syscall().number()).put("name", u.syscall().name())
                        .put("calls", u.calls()).put("alwaysZero", u.alwaysZero()));
                append(n);
            }
            case ExploreEvent.ExperimentFinished f -> experiment(f.result());
            case ExploreEvent.TestsIndexed t -> {
                ObjectNode n = Json.mapper().createObjectNode().put("type", "tests");
                n.set("tests", Json.mapper().valueToTree(t.index().tests()));
                n.set("used", Json.mapper().valueToTree(t.index().used()));
                n.set("millis", Json.mapper().valueToTree(t.index().millis()));
                n.set("excluded", Json.mapper().valueToTree(t.index().excluded()));
                append(n);
            }
            case ExploreEvent.Confirmed c -> experiment(c.after());
            default -> { }
        }
    }

    /** Keeps the traced run's argument values, so that a resumed exploration reports them too. */
    public void recordArgs(SortedMap<String, SortedMap<String, SortedMap<String, Long>>> args) {
        ObjectNode n = Json.mapper().createObjectNode().put("type", "args");
        n.set("args", Json.mapper().valueToTree(args));
        append(n);
    }

    /** Keeps the traced run's argument values and files, so that a resumed exploration explores the same. */
    public void recordFeatures(FeatureUse use) {
        ObjectNode n = Json.mapper().createObjectNode().put("type", "features");
        ArrayNode values = n.putArray("values");
        use.values().forEach((s, m) -> m.forEach((v, c) -> {
            ObjectNode x = values.addObject().put("syscall", s.number()).put("name", s.name()).put("calls", c);
            x.set("value", Json.mapper().valueToTree(v));
        }));
        ArrayNode paths = n.putArray("paths");
        use.paths().forEach((p, seen) -> paths.addObject().put("path", p).put("named", seen.named())
                .put("calls", seen.calls()).put("failed", seen.failed()));
        n.set("tests", Json.mapper().valueToTree(use.tests()));
        append(n);
    }

    private void experiment(ExperimentResult result) {
        Experiment e = result.experiment();
        ObjectNode n = Json.mapper().createObjectNode().put("type", "experiment");
        if (e.path() != null) {
            n.set("path", Json.mapper().valueToTree(e.path()));
        } else {
            n.put("syscall", e.syscall().number()).put("name", e.syscall().name()).put("treatment", e.treatment().id());
            if (e.value() != null) {
                n.set("value", Json.mapper().valueToTree(e.value()));
            }
        }
        n.set("runs", Json.mapper().valueToTree(result.runs()));
        if (result.tests() != null) {
            n.set("tests", Json.mapper().valueToTree(result.tests()));
        }
        if (!result.confirmation().isEmpty()) {
            n.set("confirmation", Json.mapper().valueToTree(result.confirmation()));
        }
        append(n);
        wroteExperiment = true;
    }

    private synchronized void append(JsonNode n) {
        try {
            out.write(Json.mapper().writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(n));
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the journal " + file, e);
        }
    }

    /**
     * Removes the journal if it holds no finished experiment (the exploration stopped at its
     * baseline or trace, which a new attempt repeats in seconds), so that the next attempt starts
     * fresh instead of being asked to resume or to delete a file.
     */
    public void discardIfNoExperiments() throws IOException {
        if (experiments.isEmpty() && !wroteExperiment) {
            finish();
        }
    }

    private volatile boolean wroteExperiment;

    /** Removes the journal: the exploration finished and its output holds everything. */
    public void finish() throws IOException {
        // deleted while still locked: another exploration cannot have opened it meanwhile
        Files.deleteIfExists(file);
        close();
    }

    @Override
    public synchronized void close() throws IOException {
        if (!channel.isOpen()) {
            return;
        }
        try {
            out.flush();
            lock.release();
        } finally {
            channel.close();
        }
    }
}
