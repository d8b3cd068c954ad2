package dev.shimscope.report;

import dev.shimscope.explore.ExperimentResult;
import dev.shimscope.explore.ExploreEvent;
import dev.shimscope.explore.ExploreListener;
import dev.shimscope.model.RunRecord;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/**
 * Shows an exploration's progress on stderr: one line per step (phases, the baseline and the
 * limits derived from it, each experiment, each wave of the plan phase with its round and bound,
 * each repair), and, when stderr is a terminal, a progress bar with the ETA of the experiments
 * (the progressbar library, which draws it in place).
 */
public final class ExploreProgress implements ExploreListener {

    private final PrintWriter err;
    private final boolean terminal;
    private final long start = System.nanoTime();
    private ProgressBar bar;

    /** @param terminal draw a progress bar (on the process's stderr, which must then be a terminal) */
    public ExploreProgress(PrintWriter err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
    }

    /** True when stderr is an interactive terminal. */
    public static boolean stderrIsTerminal() {
        java.io.Console c = System.console();
        return c != null && c.isTerminal() && System.getenv("TERM") != null && !"dumb".equals(System.getenv("TERM"));
    }

    @Override
    public synchronized void on(ExploreEvent event) {
        switch (event) {
            case ExploreEvent.PhaseStarted p -> {
                endBar();
                line(p.phase().id() + (p.runs() > 0 ? " (" + p.runs() + " runs" + (p.phase() == ExploreEvent.Phase.PLAN
                        ? " a round at least" : "") + ")" : ""));
                if (terminal && (p.phase() == ExploreEvent.Phase.EXPERIMENTS || p.phase() == ExploreEvent.Phase.FEATURES)) {
                    bar = new ProgressBarBuilder().setTaskName(p.phase().id()).setInitialMax(p.runs())
                            .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(250)
                            .setConsumer(new ConsoleProgressBarConsumer(System.err, 100)).showSpeed().build();
                }
            }
            case ExploreEvent.BaselineFinished b -> {
                Map<String, Long> s = ExploreReport.baselineStats(b.runs());
                line("baseline passed " + b.runs().size() + " times, " + s.get("minMillis") + "-" + s.get("maxMillis")
                        + " ms per run (mean " + s.get("meanMillis") + ", sd " + s.get("stddevMillis") + "); limits of the"
                        + " experiments: " + b.limits().describe() + " (effective time: a run's wait for a CPU does not count)");
            }
            case ExploreEvent.TraceFinished t -> {
                line("traced: " + t.used().size() + " syscalls used" + (t.launchOnly().isEmpty() ? ""
                        : "; " + String.join(", ", t.launchOnly().stream().map(Object::toString).toList())
                        + " only start the program (not explored)"));
            }
            case ExploreEvent.TestsIndexed t -> {
                line("tests: " + t.index().tests().size() + " explored, each alone: "
                        + t.index().millisOf(t.index().tests()) / 1000 + " s in all"
                        + (t.index().excluded().isEmpty() ? "" : "; left out: " + t.index().excluded().size()));
                t.index().excluded().forEach((id, why) -> line("  left out " + id + ": " + why));
            }
            case ExploreEvent.Resumed r -> line("resuming from the journal: " + (r.baseline() ? "the baseline, " : "")
                    + (r.trace() ? "the trace, " : "") + r.experiments() + " of " + r.of() + " experiments");
            case ExploreEvent.ExperimentFinished f -> {
                if (bar != null) {
                    bar.stepTo(f.done());
                    bar.setExtraMessage(f.result().experiment() + ": " + outcome(f.result()));
                } else {
                    line(f.done() + "/" + f.total() + " " + f.result().experiment() + ": " + outcome(f.result()));
                }
            }
            case ExploreEvent.Confirmed c -> line("confirmed, not starved: " + c.after().experiment() + ": "
                    + outcome(c.after()) + " (before: " + outcome(c.before()) + ")");
            case ExploreEvent.ConcurrencyChanged c -> line("the CPU other work leaves allows " + c.jobs() + " run"
                    + (c.jobs() == 1 ? "" : "s") + " at a time now");
            case ExploreEvent.PlanWave w -> line("plan round " + w.round() + " (at most " + w.maxRounds() + "): "
                    + waveText(w) + ": " + result(w.runs()));
            case ExploreEvent.PlanRepaired r -> line("plan: " + r.repair().describe());
            case ExploreEvent.ImpactsConfirmed i -> {
                line("impacts: " + i.screened() + " experiments lay outside the baseline's variation, " + i.confirmed()
                        + " confirmed alone: " + (i.impacts().isEmpty() ? "no impact" : i.impacts().size() + " impacts"));
                i.impacts().stream().limit(8).forEach(x -> line("  " + x.describe()));
            }
            case ExploreEvent.PlanCostMeasured c -> line("plan cost (alone, against the baseline alone): "
                    + ExploreReport.costText(c.cost()));
        }
    }

    private static String outcome(ExperimentResult r) {
        int n = r.runs().size() + r.confirmation().size();
        return r.outcome().name().toLowerCase() + (n > 1 ? " (" + n + " runs)" : "");
    }

    private static String waveText(ExploreEvent.PlanWave w) {
        return switch (w.kind()) {
            case VERIFY -> "the plan, every other syscall ENOSYS";
            case VERIFY_LONGER -> "the plan again with longer limits (its runs failed by time limit only)";
            case TRACE -> "the plan traced (calls outside it?)";
            case TRIAL -> "the plan with " + w.subject() + " returning ENOSYS";
            case TRIAL_FAKE -> "the plan with " + w.subject() + " returning 0";
            case SEARCH -> "search: the first " + w.prefix() + " of " + w.candidates() + " candidates stubbed and faked"
                    + (w.subject() != null ? " (up to " + w.subject() + ")" : "");
            case PARTIAL -> "the plan with " + (w.subject() == null ? "its implemented syscalls" : w.subject().toString())
                    + " supported in part (the values that need it implemented, the others stubbed or faked)";
        };
    }

    private static String result(List<RunRecord> runs) {
        long failed = runs.stream().filter(r -> !r.passed()).count();
        String n = runs.size() == 1 ? "" : " (" + runs.size() + " runs)";
        if (failed == 0) {
            return "pass" + n;
        }
        String why = runs.stream().filter(r -> !r.passed()).map(RunRecord::failure).findFirst().orElse("");
        return (runs.size() == 1 ? "FAIL" : failed + " of " + runs.size() + " FAILED") + " (" + why + ")";
    }

    private void line(String text) {
        String l = "[" + elapsed() + "] " + text;
        if (bar != null) {
            System.err.print("\r\033[K"); // the line goes above the bar, which redraws itself
            System.err.flush();
        }
        err.println(l);
        err.flush();
    }

    private void endBar() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }

    private String elapsed() {
        return String.format("%5.1fs", (System.nanoTime() - start) / 1e9);
    }
}
