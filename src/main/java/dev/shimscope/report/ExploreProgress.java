package dev.shimscope.report;

import dev.shimscope.explore.ExperimentResult;
import dev.shimscope.explore.ExploreListener;
import dev.shimscope.explore.RunRecord;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * Shows an exploration's progress on stderr: a bar with the ETA, redrawn in place, when stderr
 * is a terminal; one plain line per finished step otherwise (logs, CI).
 */
public final class ExploreProgress implements ExploreListener {

    private final PrintStream err;
    private final boolean terminal;
    private final long start = System.nanoTime();
    private long phaseStart = System.nanoTime();
    private String phase = "";
    private boolean barShown;

    public ExploreProgress(PrintStream err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
    }

    /** True when stderr is an interactive terminal. */
    public static boolean stderrIsTerminal() {
        java.io.Console c = System.console();
        return c != null && c.isTerminal() && System.getenv("TERM") != null && !"dumb".equals(System.getenv("TERM"));
    }

    @Override
    public synchronized void phase(String name, int total) {
        endBar();
        phase = name;
        phaseStart = System.nanoTime();
        err.println("[" + elapsed() + "] " + name + (total > 0 ? " (" + total + " runs)" : ""));
    }

    @Override
    public synchronized void baselineFinished(List<RunRecord> runs) {
        Map<String, Long> s = ExploreReport.baselineStats(runs);
        err.println("[" + elapsed() + "] baseline passed " + runs.size() + " times, " + s.get("minMillis") + "-"
                + s.get("maxMillis") + " ms per run (mean " + s.get("meanMillis") + ", sd " + s.get("stddevMillis") + ")");
    }

    @Override
    public synchronized void traceFinished(List<UsedSyscall> used) {
        err.println("[" + elapsed() + "] traced: " + used.size() + " syscalls used");
    }

    @Override
    public synchronized void experimentFinished(ExperimentResult r, int done, int total) {
        String what = r.experiment() + ": " + r.outcome().name().toLowerCase()
                + (r.runs().size() > 1 ? " (" + r.runs().size() + " runs)" : "");
        if (!terminal) {
            err.println("[" + elapsed() + "] " + done + "/" + total + " " + what);
            return;
        }
        double secs = (System.nanoTime() - phaseStart) / 1e9;
        int width = 30;
        int filled = total == 0 ? width : (int) Math.round(width * (double) done / total);
        String eta = done == 0 ? "?" : String.format("%.0f s", secs / done * (total - done));
        String line = String.format("\r[%s%s] %d/%d  ETA %s  %s", "#".repeat(filled), ".".repeat(width - filled),
                done, total, eta, what);
        err.print(line.length() > 120 ? line.substring(0, 120) : line + " ".repeat(Math.max(0, 120 - line.length())));
        err.flush();
        barShown = true;
    }

    @Override
    public synchronized void planRun(String what, RunRecord run) {
        endBar();
        err.println("[" + elapsed() + "] plan: " + what + ": " + (run.passed() ? "pass" : "FAIL (" + run.failure() + ")"));
    }

    @Override
    public synchronized void message(String line) {
        endBar();
        err.println("[" + elapsed() + "] " + line);
    }

    private void endBar() {
        if (barShown) {
            err.println();
            barShown = false;
        }
    }

    private String elapsed() {
        return String.format("%5.1fs", (System.nanoTime() - start) / 1e9);
    }
}
