package dev.shimscope.trace;

import dev.shimscope.syscall.SyscallTable;
import dev.shimscope.syscall.args.ArgumentDecoders;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads the output of {@code strace -f -qq -n -X raw -e raw=...}, one line at a time, into a
 * {@link TraceResult}. It follows processes through clone and execve so that each call is
 * attributed to the executable that made it: a child belongs to its parent's executable until
 * it execs. It understands unfinished/resumed pairs (a call is counted when it is entered),
 * signal and exit lines, and strace's {@code syscall_0x...} names (the number in brackets is
 * what counts). Calls made by shimscope's own exec loader before it execs the real program are
 * left out.
 */
public final class StraceParser {

    private static final Set<String> FORKS = Set.of("clone", "clone3", "fork", "vfork");
    private static final Set<String> EXECS = Set.of("execve", "execveat");
    /** Syscalls that name a file, and the argument that holds its path (strace decodes these). */
    private static final Map<String, Integer> PATH_ARG = Map.ofEntries(Map.entry("open", 0), Map.entry("creat", 0),
            Map.entry("openat", 1), Map.entry("openat2", 1), Map.entry("stat", 0), Map.entry("lstat", 0),
            Map.entry("newfstatat", 1), Map.entry("statx", 1), Map.entry("access", 0), Map.entry("faccessat", 1),
            Map.entry("faccessat2", 1), Map.entry("readlink", 0), Map.entry("readlinkat", 1));
    private static final int MAX_UNPARSED = 20;

    private final SyscallTable table;
    private final Set<String> loaderPaths;
    private final String realDirPrefix;

    /** One stretch of one process's life between two execs. */
    private static final class Phase {
        String exe;
        final TraceResult.ExeUsage usage = new TraceResult.ExeUsage();
    }

    private static final class Proc {
        final List<Phase> phases = new ArrayList<>();
        Integer parentPid;
        int parentPhase;
        String pendingExec;

        Phase current() {
            return phases.getLast();
        }
    }

    private final Map<Integer, Proc> procs = new HashMap<>();
    private final Map<Integer, Integer> pendingForkPhase = new HashMap<>();
    private final TreeMap<String, Long> signals = new TreeMap<>();
    private final List<String> unparsed = new ArrayList<>();
    private Integer firstPid;
    private String launchExecutable;
    private long lines;

    /**
     * @param loaderPaths   executables whose calls belong to shimscope, not the application
     * @param realDirPrefix where the sandbox mounts a binary filtered on its own; a process phase
     *                      that execs into it was the wrapper, and the real binary is named by the
     *                      wrapper's path (null if none)
     */
    public StraceParser(SyscallTable table, Set<String> loaderPaths, String realDirPrefix) {
        this.table = table;
        this.loaderPaths = Set.copyOf(loaderPaths);
        this.realDirPrefix = realDirPrefix;
    }

    public static TraceResult parse(SyscallTable table, Path file, Set<String> loaderPaths, String realDirPrefix)
            throws IOException {
        StraceParser p = new StraceParser(table, loaderPaths, realDirPrefix);
        // the run wrote this file: read it only if it is a regular file of sensible size
        try (BufferedReader r = new BufferedReader(new java.io.InputStreamReader(
                dev.shimscope.sandbox.RunOutput.open(file, dev.shimscope.sandbox.RunOutput.TRACE),
                java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(java.nio.charset.CodingErrorAction.REPLACE)
                        .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPLACE)))) {
            String line;
            while ((line = r.readLine()) != null) {
                p.accept(line);
            }
        }
        return p.result();
    }

    /** Feeds one line of strace output. */
    public void accept(String line) {
        lines++;
        int i = 0;
        int n = line.length();
        while (i < n && Character.isDigit(line.charAt(i))) {
            i++;
        }
        if (i == 0) {
            return; // not a per-process line (strace's own messages)
        }
        int pid = Integer.parseInt(line, 0, i, 10);
        while (i < n && line.charAt(i) == ' ') {
            i++;
        }
        String rest = line.substring(i);
        int nr = -1;
        if (rest.startsWith("[")) {
            int close = rest.indexOf(']');
            if (close < 0) {
                unparsed(line);
                return;
            }
            String num = rest.substring(1, close).trim();
            try {
                nr = Integer.parseInt(num);
            } catch (NumberFormatException e) {
                unparsed(line); // e.g. another personality's numbering
                return;
            }
            rest = rest.substring(close + 1).stripLeading();
        }
        // with -n, signal and exit lines carry the number of the call in progress too
        if (rest.startsWith("---")) {
            signal(rest);
            return;
        }
        if (rest.startsWith("+++")) {
            superseded(pid, rest);
            return;
        }
        Proc proc = proc(pid);
        if (rest.startsWith("<... ")) {
            resumed(pid, proc, nr, rest);
            return;
        }
        int paren = rest.indexOf('(');
        if (paren <= 0) {
            unparsed(line);
            return;
        }
        String name = rest.substring(0, paren);
        if (nr < 0) {
            nr = table.byName(name).map(s -> s.number()).orElse(-1);
            if (nr < 0) {
                unparsed(line);
                return;
            }
        }
        int argsEnd = closingParen(rest, paren);
        boolean unfinished = rest.endsWith("<unfinished ...>");
        String argText;
        String ret = null;
        if (argsEnd >= 0) {
            argText = rest.substring(paren + 1, argsEnd);
            int eq = rest.indexOf(" = ", argsEnd);
            ret = eq >= 0 ? rest.substring(eq + 3) : null;
        } else if (unfinished) {
            argText = rest.substring(paren + 1, rest.length() - "<unfinished ...>".length()).stripTrailing();
        } else if (IDENTIFIER.matcher(name).matches()) {
            // strace was killed while the call blocked, in the middle of printing it: the call was
            // entered and never returned (the case of a server killed at the end of a run)
            argText = rest.substring(paren + 1);
            unfinished = true;
        } else {
            unparsed(line);
            return;
        }
        String canonical = table.byNumber(nr).known() ? table.name(nr) : name;
        TraceResult.Stats stats = proc.current().usage.syscalls.computeIfAbsent(nr, k -> new TraceResult.Stats());
        stats.calls++;
        if (unfinished) {
            stats.unfinished++;
            pendingStats.put(pid, stats);
        }
        List<String> args = null;
        if (ArgumentDecoders.isMultiplexed(canonical)) {
            args = splitArgs(argText);
            for (dev.shimscope.syscall.args.ArgumentValue v : ArgumentDecoders.values(canonical, args)) {
                stats.values.merge(v, 1L, Long::sum);
            }
            for (ArgumentDecoders.Decoded d : ArgumentDecoders.decode(canonical, args)) {
                stats.args.computeIfAbsent(d.label(), k -> new TreeMap<>()).merge(d.value(), 1L, Long::sum);
            }
        }
        Integer pathArg = PATH_ARG.get(canonical);
        String path = null;
        if (pathArg != null || EXECS.contains(canonical)) {
            args = args != null ? args : splitArgs(argText);
            int idx = pathArg != null ? pathArg : canonical.equals("execveat") ? 1 : 0;
            path = idx < args.size() ? unquote(args.get(idx)) : null;
        }
        if (EXECS.contains(canonical)) {
            proc.pendingExec = path;
        }
        if (ret != null) {
            completed(pid, proc, nr, canonical, ret, path, stats);
        } else if (pathArg != null && path != null) {
            pendingPaths.put(pid, path);
        }
    }

    private final Map<Integer, String> pendingPaths = new HashMap<>();
    /** The counters of each pid's call printed as unfinished, until it is resumed. */
    private final Map<Integer, TraceResult.Stats> pendingStats = new HashMap<>();
    private static final java.util.regex.Pattern IDENTIFIER = java.util.regex.Pattern.compile("[a-z_][a-z0-9_]*");
    private static final java.util.regex.Pattern SUPERSEDED =
            java.util.regex.Pattern.compile("superseded by execve in pid (\\d+)");

    /**
     * "+++ superseded by execve in pid T +++": thread T of this process called execve, and the
     * kernel gave it this pid (the leader's); the exec it started completes under this pid.
     */
    private void superseded(int pid, String rest) {
        java.util.regex.Matcher m = SUPERSEDED.matcher(rest);
        if (!m.find()) {
            return;
        }
        int thread = Integer.parseInt(m.group(1));
        Proc from = procs.get(thread);
        if (from == null || thread == pid) {
            return;
        }
        proc(pid).pendingExec = from.pendingExec;
        from.pendingExec = null;
        TraceResult.Stats entered = pendingStats.remove(thread);
        if (entered != null) {
            pendingStats.put(pid, entered);
        }
    }

    private void resumed(int pid, Proc proc, int nr, String rest) {
        int end = rest.indexOf(" resumed>");
        if (end < 0) {
            unparsed(rest);
            return;
        }
        String name = rest.substring(5, end);
        if (nr < 0) {
            nr = table.byName(name).map(s -> s.number()).orElse(-1);
        }
        if (nr < 0) {
            return;
        }
        String canonical = table.byNumber(nr).known() ? table.name(nr) : name;
        // the return value may end in a comment in parentheses ("= -1 ENOENT (No such file...)"):
        // find the parenthesis that closes the resumed argument list, not the last one
        int close = closingParen(rest, end + " resumed>".length(), 1);
        int eq = close < 0 ? -1 : rest.indexOf(" = ", close);
        if (eq < 0) {
            return;
        }
        String ret = rest.substring(eq + 3);
        TraceResult.Stats entered = pendingStats.remove(pid);
        if (entered != null) {
            entered.unfinished--; // it returned after all
        }
        TraceResult.Stats stats = proc.current().usage.syscalls.computeIfAbsent(nr, k -> new TraceResult.Stats());
        String path = PATH_ARG.containsKey(canonical) ? pendingPaths.remove(pid) : null;
        completed(pid, proc, nr, canonical, ret, path, stats);
    }

    private void completed(int pid, Proc proc, int nr, String name, String ret, String path, TraceResult.Stats stats) {
        String value = ret.trim();
        int space = value.indexOf(' ');
        String number = space > 0 ? value.substring(0, space) : value;
        boolean failed = number.equals("-1");
        if (number.equals("0")) {
            stats.zeroReturns++;
        }
        if (failed) {
            stats.failures++;
            String rest = value.substring(space + 1);
            int sp = rest.indexOf(' ');
            stats.errors.merge(sp > 0 ? rest.substring(0, sp) : rest, 1L, Long::sum);
        }
        if (path != null && PATH_ARG.containsKey(name)) {
            long[] c = proc.current().usage.paths.computeIfAbsent(path, k -> new long[2]);
            c[failed ? 1 : 0]++;
        }
        if (EXECS.contains(name)) {
            String exe = proc.pendingExec;
            proc.pendingExec = null;
            if (!failed && !number.equals("?")) {
                exec(pid, proc, exe);
            }
        } else if (FORKS.contains(name) && !failed) {
            Long child = parseNumber(number);
            if (child != null && child > 0) {
                forked(pid, proc, child.intValue());
            }
        }
    }

    private void exec(int pid, Proc proc, String exe) {
        if (firstPid != null && pid == firstPid && (launchExecutable == null || loaderPaths.contains(launchExecutable))) {
            launchExecutable = exe; // the program the loader starts, not the loader
        }
        Phase p = new Phase();
        p.exe = exe;
        proc.phases.add(p);
    }

    private void forked(int parentPid, Proc parent, int childPid) {
        Proc child = procs.get(childPid);
        if (child == null) {
            child = newProc(childPid);
        }
        child.parentPid = parentPid;
        child.parentPhase = parent.phases.size() - 1;
    }

    private Proc proc(int pid) {
        Proc p = procs.get(pid);
        if (p == null) {
            p = newProc(pid);
            if (firstPid == null) {
                firstPid = pid;
            }
        }
        return p;
    }

    private Proc newProc(int pid) {
        Proc p = new Proc();
        p.phases.add(new Phase());
        procs.put(pid, p);
        return p;
    }

    private void signal(String rest) {
        // "--- SIGCHLD {si_signo=SIGCHLD, ...} ---"
        String body = rest.substring(3).trim();
        int sp = body.indexOf(' ');
        String sig = sp > 0 ? body.substring(0, sp) : body;
        if (sig.startsWith("SIG")) {
            signals.merge(sig, 1L, Long::sum);
        }
    }

    private void unparsed(String line) {
        if (unparsed.size() < MAX_UNPARSED) {
            unparsed.add(line);
        }
    }

    /** The result so far: resolves inherited executables, drops loader phases, merges per executable and lineage. */
    public TraceResult result() {
        Map<TraceResult.Lineage, TraceResult.ExeUsage> byLineage = new TreeMap<>();
        Map<Integer, Long> launchCalls = new TreeMap<>();
        Map<Phase, java.util.SortedSet<String>> lineages = new java.util.IdentityHashMap<>();
        for (Proc proc : procs.values()) {
            Set<String> exesOfProc = new java.util.HashSet<>();
            for (int i = 0; i < proc.phases.size(); i++) {
                Phase phase = proc.phases.get(i);
                String own = i == 0 ? inheritedExe(proc, 0) : phase.exe;
                if (own == null && i + 1 < proc.phases.size()) {
                    // the first process before its first exec is strace's child: its execve starts the
                    // program (counted with it, but recorded as the launch: the tracer's doing)
                    phase.usage.syscalls.forEach((nr, st) -> {
                        if (EXECS.contains(table.name(nr))) {
                            launchCalls.merge(nr, st.calls, Long::sum);
                        }
                    });
                }
                String exe = name(proc, i);
                if (exe == null) {
                    continue; // the loader's, not the application's
                }
                TraceResult.Lineage key = new TraceResult.Lineage(exe, under(proc, i, lineages, 0));
                TraceResult.ExeUsage usage = byLineage.computeIfAbsent(key, k -> new TraceResult.ExeUsage());
                usage.add(phase.usage);
                if (exesOfProc.add(exe)) { // a process counts once per executable
                    usage.processes++;
                }
            }
        }
        return new TraceResult(table, byLineage, signals, launchExecutable, lines, unparsed, procs.size(), launchCalls);
    }

    /**
     * The executable a phase is counted under: its own (a child before its first exec inherits its
     * parent's; strace's child before its exec is the program it starts; a real binary behind the
     * one-binary wrapper is named by the wrapper's path), or null for the loader's phases.
     */
    private String name(Proc proc, int i) {
        Phase phase = proc.phases.get(i);
        String exe = i == 0 ? inheritedExe(proc, 0) : phase.exe;
        if (exe == null && i + 1 < proc.phases.size()) {
            exe = proc.phases.get(i + 1).exe;
        }
        if (exe == null) {
            exe = "?";
        }
        boolean nextIsReal = i + 1 < proc.phases.size() && isReal(proc.phases.get(i + 1).exe);
        if (loaderPaths.contains(exe) || nextIsReal) {
            return null;
        }
        return isReal(exe) ? wrapperName(proc, i, exe) : exe;
    }

    /**
     * The executables a phase ran under: those of the earlier phases of its process and of the
     * phase that forked it, up to the first process. A seccomp filter installed by one of them
     * holds here too (filters survive fork and exec), so a trace narrowed to one binary keeps
     * what ran under it ({@link TraceResult#restrictTo}).
     */
    private java.util.SortedSet<String> under(Proc proc, int i, Map<Phase, java.util.SortedSet<String>> memo, int depth) {
        Phase phase = proc.phases.get(i);
        java.util.SortedSet<String> known = memo.get(phase);
        if (known != null) {
            return known;
        }
        java.util.TreeSet<String> s = new java.util.TreeSet<>();
        // a later phase ran under everything the one before it did, and under that one
        Proc from = proc;
        int idx = i - 1;
        if (i == 0) {
            from = proc.parentPid == null || depth >= 10_000 ? null : procs.get(proc.parentPid);
            idx = from == null ? -1 : Math.min(proc.parentPhase, from.phases.size() - 1);
        }
        if (from != null && idx >= 0) {
            s.addAll(under(from, idx, memo, depth + 1));
            String before = name(from, idx);
            if (before != null) {
                s.add(before);
            }
        }
        java.util.SortedSet<String> frozen = java.util.Collections.unmodifiableSortedSet(s);
        memo.put(phase, frozen);
        return frozen;
    }

    private boolean isReal(String exe) {
        return realDirPrefix != null && exe != null && exe.startsWith(realDirPrefix);
    }

    /** A real binary run through the one-binary wrapper is named by the path it was started as. */
    private String wrapperName(Proc proc, int phaseIndex, String exe) {
        for (int i = phaseIndex - 1; i >= 0; i--) {
            String before = i == 0 ? inheritedExe(proc, 0) : proc.phases.get(i).exe;
            if (before != null && !loaderPaths.contains(before) && !isReal(before)) {
                return before;
            }
        }
        return exe;
    }

    private String inheritedExe(Proc proc, int depthGuard) {
        if (depthGuard > 10_000) {
            return null;
        }
        if (proc.phases.getFirst().exe != null) {
            return proc.phases.getFirst().exe;
        }
        if (proc.parentPid == null) {
            return null;
        }
        Proc parent = procs.get(proc.parentPid);
        if (parent == null) {
            return null;
        }
        int idx = Math.min(proc.parentPhase, parent.phases.size() - 1);
        String exe = idx == 0 ? inheritedExe(parent, depthGuard + 1) : parent.phases.get(idx).exe;
        if (exe != null && isReal(exe)) {
            exe = wrapperName(parent, idx, exe);
        }
        proc.phases.getFirst().exe = exe;
        return exe;
    }

    /** Index of the parenthesis closing the one at {@code open}, skipping strings and nesting; -1 if none. */
    static int closingParen(String s, int open) {
        return closingParen(s, open, 0);
    }

    /** Like {@link #closingParen(String, int)}, starting at {@code from} already {@code depth} levels deep. */
    static int closingParen(String s, int from, int depth) {
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> i = endOfString(s, i);
                case '(', '[', '{' -> depth++;
                case ')', ']', '}' -> {
                    depth--;
                    if (depth == 0) {
                        return c == ')' ? i : -1;
                    }
                }
                default -> { }
            }
        }
        return -1;
    }

    /** The index of the quote that closes the string opening at {@code open} (escapes skipped). */
    private static int endOfString(String s, int open) {
        for (int i = open + 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                return i;
            }
        }
        return s.length();
    }

    /** Splits an argument list at top-level commas. */
    static List<String> splitArgs(String s) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> i = endOfString(s, i);
                case '(', '[', '{' -> depth++;
                case ')', ']', '}' -> depth--;
                case ',' -> {
                    if (depth == 0) {
                        out.add(s.substring(start, i).trim());
                        start = i + 1;
                    }
                }
                default -> { }
            }
        }
        String last = s.substring(start).trim();
        if (!last.isEmpty() || !out.isEmpty()) {
            out.add(last);
        }
        return out;
    }

    /** The C string of a quoted strace argument, with escapes undone; null for a pointer. */
    static String unquote(String arg) {
        if (!arg.startsWith("\"")) {
            return null;
        }
        int end = arg.lastIndexOf('"');
        String body = arg.substring(1, end > 0 ? end : arg.length());
        if (body.indexOf('\\') < 0) {
            return body;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c != '\\' || i + 1 >= body.length()) {
                sb.append(c);
                continue;
            }
            char e = body.charAt(++i);
            switch (e) {
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case 'x' -> {
                    if (i + 2 < body.length()) {
                        sb.append((char) Integer.parseInt(body, i + 1, i + 3, 16));
                        i += 2;
                    }
                }
                default -> sb.append(e);
            }
        }
        return sb.toString();
    }

    static Long parseNumber(String s) {
        try {
            return s.startsWith("0x") ? Long.parseUnsignedLong(s.substring(2), 16) : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
