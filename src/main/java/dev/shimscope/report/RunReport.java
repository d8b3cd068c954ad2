package dev.shimscope.report;

import dev.shimscope.workload.WorkloadOutcome;

import java.util.List;

/** What {@code run} shows of a failed run: the last lines of the client's and the server's output. */
public final class RunReport {

    private RunReport() {
    }

    /** The last {@code lines} lines of each side's output, indented, or a note that it printed nothing. */
    public static String tails(WorkloadOutcome o, boolean benchmark, int lines) {
        StringBuilder sb = new StringBuilder();
        tail(sb, benchmark ? "client" : "command", o.testOutputTail(), lines);
        if (benchmark) {
            tail(sb, "server", o.serverOutputTail(), lines);
        }
        return sb.toString();
    }

    private static void tail(StringBuilder sb, String who, String text, int lines) {
        List<String> all = text.strip().lines().toList();
        if (all.isEmpty()) {
            sb.append("  ").append(who).append(": no output\n");
            return;
        }
        sb.append("  ").append(who).append(" (last ").append(Math.min(lines, all.size())).append(" lines):\n");
        for (String l : all.subList(Math.max(0, all.size() - lines), all.size())) {
            sb.append("    ").append(l.length() > 200 ? l.substring(0, 200) + "..." : l).append('\n');
        }
    }
}
