package dev.shimscope.model;

import dev.shimscope.syscall.Syscall;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A shim plan: which syscalls an OS must implement, which it may stub, which it may fake, for an
 * application under a workload; whether exactly that plan passed the workload {@code passes}
 * times in a row with every other syscall returning -ENOSYS (as on an OS that implements exactly
 * the plan); the syscalls the application called only under the plan ({@code fallbacks}, each in
 * {@code implement} or {@code stub}); and the repairs that led to it, each with its cause and
 * proving run. This is what is stored, exported and planned with; reports only read it.
 */
public record ShimPlan(SortedSet<Syscall> implement, SortedSet<Syscall> stub, SortedSet<Syscall> fake,
                       SortedSet<Syscall> fallbacks, boolean verified, int passes, List<Repair> repairs) {

    public ShimPlan {
        implement = Collections.unmodifiableSortedSet(new TreeSet<>(implement));
        stub = Collections.unmodifiableSortedSet(new TreeSet<>(stub));
        fake = Collections.unmodifiableSortedSet(new TreeSet<>(fake));
        fallbacks = Collections.unmodifiableSortedSet(new TreeSet<>(fallbacks));
        repairs = List.copyOf(repairs);
    }

    /**
     * The plan as an OS would run it: implemented syscalls allowed, stubs and fakes as planned,
     * every other syscall ENOSYS; {@code launch} (the execve that starts the program, which an OS
     * does without a syscall) allowed unless the plan names it.
     */
    public ShimConfiguration closedWorld(Syscall launch) {
        Map<Syscall, Treatment> m = new TreeMap<>();
        implement.forEach(s -> m.put(s, Treatment.IMPLEMENT));
        stub.forEach(s -> m.put(s, Treatment.STUB));
        fake.forEach(s -> m.put(s, Treatment.FAKE));
        if (launch != null) {
            m.putIfAbsent(launch, Treatment.IMPLEMENT);
        }
        return ShimConfiguration.closedWorld(m, Treatment.STUB);
    }

    /** The treatment of {@code s} in the plan; null if the plan does not name it. */
    public Treatment treatmentOf(Syscall s) {
        return implement.contains(s) ? Treatment.IMPLEMENT : stub.contains(s) ? Treatment.STUB
                : fake.contains(s) ? Treatment.FAKE : null;
    }
}
