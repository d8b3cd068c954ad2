package dev.shimscope.explore;

import dev.shimscope.model.ArgumentVerdict;
import dev.shimscope.model.RunRecord;
import dev.shimscope.model.ShimPlan;
import dev.shimscope.syscall.Syscall;
import dev.shimscope.syscall.SyscallTable;
import dev.shimscope.syscall.args.ArgumentValue;
import dev.shimscope.workload.RunScheduler;
import dev.shimscope.workload.WorkloadOutcome;
import dev.shimscope.workload.WorkloadRunner;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Refines a verified shim plan below the syscall: an implemented syscall whose argument values
 * were explored one by one is planned in part ("prctl: implement PR_SET_NAME, stub the other
 * options") when that holds in the closed world. Only syscalls whose explored values are the
 * values of one enumerated argument qualify (prctl's option, fcntl's cmd, futex's op); flag bits
 * and syscalls with two selecting arguments (socket's domain and type) are reported, not planned,
 * since one call has several of them at once.
 *
 * <p>The partial rules of every qualifying syscall are verified together, the plan's
 * {@code passes} runs; if that fails, each syscall's rules are verified alone and those that pass
 * are verified together again (a syscall whose partial support fails either way stays implemented
 * whole). The plan keeps only partial support that passed with the rest of the plan.
 */
final class PartialSupportSearch {

    private final RunScheduler scheduler;
    private final ExploreListener listener;
    private final int passes;
    private final TimeLimits planLimits;
    private final PlanSearch.Runs runs;
    private final WorkloadRunner.Options base;
    private final Syscall launch;

    PartialSupportSearch(RunScheduler scheduler, ExploreListener listener, int passes, TimeLimits planLimits,
                         PlanSearch.Runs runs, WorkloadRunner.Options base, SyscallTable table) {
        this.scheduler = scheduler;
        this.listener = listener;
        this.passes = passes;
        this.planLimits = planLimits;
        this.runs = runs;
        this.base = base;
        this.launch = table.require("execve");
    }

    /** The partial support the explored values suggest for the plan's implemented syscalls, in syscall order. */
    static List<ShimPlan.Partial> candidates(ShimPlan plan, List<ValueResult> values) {
        Map<Syscall, List<ArgumentVerdict>> bySyscall = new LinkedHashMap<>();
        values.stream().map(ValueResult::verdict).sorted((a, b) -> a.syscall().compareTo(b.syscall()))
                .forEach(v -> bySyscall.computeIfAbsent(v.syscall(), k -> new ArrayList<>()).add(v));
        List<ShimPlan.Partial> out = new ArrayList<>();
        bySyscall.forEach((s, vs) -> {
            if (!plan.implement().contains(s) || plan.partialOf(s).isPresent()) {
                return;
            }
            boolean oneEnumeration = vs.stream().noneMatch(v -> v.value().bit())
                    && vs.stream().map(v -> v.value().label()).distinct().count() == 1
                    && vs.stream().noneMatch(v -> v.basis() == ArgumentVerdict.Basis.WHOLE_SYSCALL);
            if (!oneEnumeration) {
                return;
            }
            List<ArgumentValue> implement = new ArrayList<>();
            List<ArgumentValue> fake = new ArrayList<>();
            List<ArgumentValue> stub = new ArrayList<>();
            for (ArgumentVerdict v : vs) {
                switch (v.verdict()) {
                    case REQUIRED, FLAKY -> implement.add(v.value());
                    case FAKE_ONLY -> fake.add(v.value());
                    case STUB_ONLY, BOTH -> stub.add(v.value()); // a stub needs no code at all
                }
            }
            out.add(new ShimPlan.Partial(s, vs.getFirst().value().label(), implement, fake, stub));
        });
        return out;
    }

    PlanOutcome refine(PlanOutcome outcome, List<ValueResult> values) throws InterruptedException {
        ShimPlan plan = outcome.plan();
        List<ShimPlan.Partial> candidates = candidates(plan, values);
        if (!plan.verified() || candidates.isEmpty()) {
            return outcome;
        }
        List<RunRecord> all = new ArrayList<>(outcome.runs());
        int round = outcome.rounds() + 1;
        List<RunRecord> together = verify(plan.withPartial(candidates), round, null, all);
        if (passed(together)) {
            return new PlanOutcome(plan.withPartial(candidates), all, together, round);
        }
        // each alone, K runs at a time
        round++;
        List<Callable<WorkloadOutcome>> tasks = new ArrayList<>();
        for (ShimPlan.Partial p : candidates) {
            WorkloadRunner.Options o = options(plan.withPartial(List.of(p)));
            for (int i = 0; i < passes; i++) {
                tasks.add(() -> runs.run(o));
            }
        }
        List<WorkloadOutcome> outcomes = scheduler.invokeAll(tasks);
        List<List<RunRecord>> alone = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            List<RunRecord> records = outcomes.subList(i * passes, (i + 1) * passes).stream().map(WorkloadOutcome::record).toList();
            all.addAll(records);
            alone.add(records);
            listener.on(new ExploreEvent.PlanWave(round, round, ExploreEvent.WaveKind.PARTIAL, candidates.get(i).syscall(),
                    0, 0, records));
        }
        List<ShimPlan.Partial> kept = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            if (passed(alone.get(i))) {
                kept.add(candidates.get(i));
            }
        }
        // the ones that pass alone, added one at a time in syscall order: the plan keeps what passes with the rest
        List<ShimPlan.Partial> plannedPartial = new ArrayList<>();
        List<RunRecord> verification = outcome.verification();
        if (kept.size() == 1) {
            return new PlanOutcome(plan.withPartial(kept), all, alone.get(candidates.indexOf(kept.getFirst())), round);
        }
        for (ShimPlan.Partial p : kept) {
            List<ShimPlan.Partial> trial = new ArrayList<>(plannedPartial);
            trial.add(p);
            List<RunRecord> runsOf = verify(plan.withPartial(trial), ++round, p.syscall(), all);
            if (passed(runsOf)) {
                plannedPartial = trial;
                verification = runsOf;
            }
        }
        return new PlanOutcome(plan.withPartial(plannedPartial), all, verification, round);
    }

    private WorkloadRunner.Options options(ShimPlan plan) {
        return planLimits.apply(base.configured(plan.closedWorld(launch)));
    }

    private static boolean passed(List<RunRecord> runs) {
        return !runs.isEmpty() && runs.stream().allMatch(RunRecord::passed);
    }

    /** The plan's {@code passes} runs in the closed world, K at a time. */
    private List<RunRecord> verify(ShimPlan plan, int round, Syscall subject, List<RunRecord> all) throws InterruptedException {
        WorkloadRunner.Options o = options(plan);
        List<Callable<WorkloadOutcome>> tasks = new ArrayList<>();
        for (int i = 0; i < passes; i++) {
            tasks.add(() -> runs.run(o));
        }
        List<RunRecord> records = scheduler.invokeAll(tasks).stream().map(WorkloadOutcome::record).toList();
        all.addAll(records);
        listener.on(new ExploreEvent.PlanWave(round, round, ExploreEvent.WaveKind.PARTIAL, subject, 0, 0, records));
        return records;
    }
}
