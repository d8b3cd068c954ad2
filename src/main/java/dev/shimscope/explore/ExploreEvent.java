package dev.shimscope.explore;

import dev.shimscope.model.Repair;
import dev.shimscope.model.RunRecord;
import dev.shimscope.syscall.Syscall;

import java.util.List;

/**
 * What an exploration reports as it goes, as data: listeners (the progress display, the journal,
 * a JSON writer) render or record these, and the exploration knows nothing about output.
 */
public sealed interface ExploreEvent {

    /** The steps of an exploration. */
    enum Phase {
        BASELINE, TRACE, EXPERIMENTS, CONFIRM, FEATURES, IMPACT, PLAN, COST;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A step starts; {@code runs} is how many runs it will take at least (0 if unknown). */
    record PhaseStarted(Phase phase, int runs) implements ExploreEvent {
    }

    /** The unaltered workload passed these runs; the experiments' limits come from them. */
    record BaselineFinished(List<RunRecord> runs, TimeLimits limits) implements ExploreEvent {
    }

    /** The traced run found these syscalls; {@code launchOnly} were made only by the program's start. */
    record TraceFinished(List<UsedSyscall> used, List<Syscall> launchOnly) implements ExploreEvent {
    }

    /**
     * A suite made of tests was baselined and traced test by test: which tests are explored, which
     * syscalls each called, which were left out and why.
     */
    record TestsIndexed(TestIndex index) implements ExploreEvent {
    }

    /** Work taken from the journal of an interrupted exploration instead of being done again. */
    record Resumed(boolean baseline, boolean trace, int experiments, int of) implements ExploreEvent {
    }

    /** One experiment finished ({@code done} of {@code total}). */
    record ExperimentFinished(ExperimentResult result, int done, int total) implements ExploreEvent {
    }

    /**
     * Experiments whose runs disagreed (or failed only under load) are run again, not starved (one
     * run per CPU at most, a starved failure made again alone), before their verdict stands.
     */
    record Confirmed(ExperimentResult before, ExperimentResult after) implements ExploreEvent {
    }

    /** The number of runs the machine allows at once changed (its CPU pressure). */
    record ConcurrencyChanged(int jobs) implements ExploreEvent {
    }

    /**
     * One wave of the plan phase: what it tested, in which round, and its runs.
     *
     * @param round   the plan's round (1, 2, ...), bounded by {@code maxRounds}
     * @param kind    what the wave checks
     * @param subject the syscall a trial or search point is about (null for a verification)
     * @param prefix  for a search point: how many of the {@code candidates} it stubs and fakes
     */
    record PlanWave(int round, int maxRounds, WaveKind kind, Syscall subject, int prefix, int candidates,
                    List<RunRecord> runs) implements ExploreEvent {

        public boolean passed() {
            return !runs.isEmpty() && runs.stream().allMatch(RunRecord::passed);
        }
    }

    /** What a plan wave checks. */
    enum WaveKind {
        /** The whole plan, every other syscall ENOSYS. */
        VERIFY,
        /** The plan again with longer limits: its earlier runs failed only by time limit. */
        VERIFY_LONGER,
        /** The traced run of the plan that shows calls outside it. */
        TRACE,
        /** The plan with one fallback or repair returning ENOSYS instead of implemented or faked. */
        TRIAL,
        /** The plan with one fallback or repair returning 0 instead of implemented. */
        TRIAL_FAKE,
        /** A prefix of the candidates stubbed and faked, the rest allowed: where does it break? */
        SEARCH,
        /** The verified plan with implemented syscalls supported in part (some argument values only). */
        PARTIAL
    }

    /**
     * The experiments whose runs lay outside the baseline's variation ({@code screened}) were run
     * again alone ({@code confirmed} of them, interleaved with baseline runs alone), and these
     * impacts stood.
     */
    record ImpactsConfirmed(List<dev.shimscope.model.Impact> impacts, int screened, int confirmed) implements ExploreEvent {
    }

    /** The verified plan, run alone against the baseline alone: one comparison per measure. */
    record PlanCostMeasured(List<dev.shimscope.model.Comparison> cost) implements ExploreEvent {
    }

    /** The plan changed: a fallback, a conflict, a repair undone. */
    record PlanRepaired(Repair repair) implements ExploreEvent {
    }
}
