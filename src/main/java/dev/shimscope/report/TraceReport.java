package dev.shimscope.report;

import dev.shimscope.model.Json;
import dev.shimscope.sandbox.RunResult;
import dev.shimscope.trace.TraceResult;
import dev.shimscope.trace.TracedRun;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/** The output of {@code shimscope trace}: a terminal table or JSON with every field. */
public final class TraceReport {

    private TraceReport() {
    }

    public static String text(List<String> command, TracedRun traced) {
        TraceResult t = traced.trace();
        RunResult r = traced.run();
        StringBuilder sb = new StringBuilder();
        sb.append("command: ").append(String.join(" ", command)).append('\n');
        sb.append("ended:   ").append(r.describeEnd());
        if (!r.timedOut()) { // "timed out after N ms" says it already
            sb.append(" after ").append(r.wallTime().toMillis()).append(" ms");
        }
        if (r.peakRssKb() >= 0) {
            sb.append(", peak RSS ").append(r.peakRssKb() / 1024).append(" MiB");
        }
        sb.append('\n');
        List<TraceResult.SyscallUse> uses = t.syscalls();
        sb.append(uses.size()).append(" syscalls used by ").append(t.processes()).append(" processes/threads of ")
                .append(t.executables().size()).append(" executables: ").append(String.join(", ", t.executables()))
                .append("\n\n");
        TextTable table = new TextTable("NR", "NAME", "CALLS", "FAILED", "ARGUMENTS").right(0, 2, 3);
        for (TraceResult.SyscallUse u : uses) {
            table.row(u.number(), u.name(), u.calls(), u.failures() == 0 ? "" : u.failures(), summarizeArgs(u.args()));
        }
        sb.append(table.render());
        List<TraceResult.PathUse> paths = t.paths();
        long failed = paths.stream().filter(p -> p.opened() == 0).count();
        sb.append('\n').append(paths.size()).append(" files opened (").append(failed)
                .append(" only failed); --json lists them\n");
        if (!r.succeeded()) {
            String tail = r.stderrTail().strip();
            if (!tail.isEmpty()) {
                sb.append("\nlast lines of stderr:\n").append(lastLines(tail, 10)).append('\n');
            }
        }
        return sb.toString();
    }

    /** The syscalls with their counts on a few lines ("read 40, write 7, ..."), by number. */
    public static String usage(List<TraceResult.SyscallUse> uses) {
        StringBuilder sb = new StringBuilder("  ");
        int col = 2;
        for (int i = 0; i < uses.size(); i++) {
            String w = uses.get(i).name() + " " + uses.get(i).calls() + (i + 1 < uses.size() ? "," : "");
            if (col + w.length() + 1 > 100) {
                sb.append("\n  ");
                col = 2;
            } else if (i > 0) {
                sb.append(' ');
                col++;
            }
            sb.append(w);
            col += w.length();
        }
        return sb.toString();
    }

    static String summarizeArgs(SortedMap<String, SortedMap<String, Long>> args) {
        List<String> parts = new ArrayList<>();
        args.forEach((label, values) -> {
            List<String> vs = new ArrayList<>();
            values.forEach((v, n) -> vs.add(v));
            String shown = vs.size() > 6 ? String.join(",", vs.subList(0, 6)) + ",+" + (vs.size() - 6)
                    : String.join(",", vs);
            parts.add(label + "=" + shown);
        });
        return String.join(" ", parts);
    }

    static String lastLines(String text, int n) {
        List<String> lines = text.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
    }

    public static String json(List<String> command, TracedRun traced) {
        return Json.write(jsonTree(command, traced));
    }

    public static Map<String, Object> jsonTree(List<String> command, TracedRun traced) {
        TraceResult t = traced.trace();
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("command", command);
        root.put("run", runJson(traced.run()));
        root.put("syscallTable", t.table().source());
        root.put("launchExecutable", t.launchExecutable());
        root.put("executables", t.executables());
        root.put("processes", t.processes());
        root.put("syscalls", t.syscalls());
        root.put("paths", t.paths());
        root.put("signals", t.signals());
        root.put("straceLines", t.lines());
        if (!t.unparsed().isEmpty()) {
            root.put("unparsedLines", t.unparsed());
        }
        return root;
    }

    public static Map<String, Object> runJson(RunResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("exitCode", r.exitCode());
        m.put("signal", r.signal());
        m.put("timedOut", r.timedOut());
        m.put("wallMillis", r.wallTime().toMillis());
        m.put("peakRssKb", r.peakRssKb());
        m.put("stdoutTail", r.stdoutTail());
        m.put("stderrTail", r.stderrTail());
        return m;
    }
}
