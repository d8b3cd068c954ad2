package dev.shimscope.model;

import dev.shimscope.syscall.Syscall;
import dev.shimscope.syscall.args.ArgumentValue;

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
 * {@code implement} or {@code stub}); the repairs that led to it, each with its cause and
 * proving run; and the implemented syscalls it supports only in part ({@code partial}: some
 * argument values implemented, the others stubbed or faked; verified with the rest of the plan).
 * This is what is stored, exported and planned with; reports only read it.
 */
public record ShimPlan(SortedSet<Syscall> implement, SortedSet<Syscall> stub, SortedSet<Syscall> fake,
                       SortedSet<Syscall> fallbacks, boolean verified, int passes, List<Repair> repairs,
                       List<Partial> partial) {

    /**
     * One implemented syscall supported in part: the calls with an {@code implement} value do
     * what Linux does, those with a {@code fake} value return 0, every other call (the
     * {@code stub} values seen, and any value not seen) returns ENOSYS. The values are those of
     * one argument ({@code label}: prctl's option, fcntl's cmd).
     */
    public record Partial(Syscall syscall, String label, List<ArgumentValue> implement, List<ArgumentValue> fake,
                          List<ArgumentValue> stub) {
        public Partial {
            implement = List.copyOf(implement);
            fake = List.copyOf(fake);
            stub = List.copyOf(stub);
        }

        /** {@code c} with this partial support: the syscall ENOSYS but for its implemented and faked values. */
        public ShimConfiguration applyTo(ShimConfiguration c) {
            ShimConfiguration out = c.with(syscall, Treatment.STUB);
            for (ArgumentValue v : fake) {
                out = out.with(new ShimConfiguration.ArgumentRule(syscall, v, Treatment.FAKE));
            }
            for (ArgumentValue v : implement) {
                out = out.with(new ShimConfiguration.ArgumentRule(syscall, v, Treatment.IMPLEMENT));
            }
            return out;
        }
    }

    public ShimPlan {
        implement = Collections.unmodifiableSortedSet(new TreeSet<>(implement));
        stub = Collections.unmodifiableSortedSet(new TreeSet<>(stub));
        fake = Collections.unmodifiableSortedSet(new TreeSet<>(fake));
        fallbacks = Collections.unmodifiableSortedSet(new TreeSet<>(fallbacks));
        repairs = List.copyOf(repairs);
        partial = partial == null ? List.of() : List.copyOf(partial);
    }

    /** A plan with every implemented syscall implemented whole. */
    public ShimPlan(SortedSet<Syscall> implement, SortedSet<Syscall> stub, SortedSet<Syscall> fake,
                    SortedSet<Syscall> fallbacks, boolean verified, int passes, List<Repair> repairs) {
        this(implement, stub, fake, fallbacks, verified, passes, repairs, List.of());
    }

    /** The same plan with these syscalls supported in part. */
    public ShimPlan withPartial(List<Partial> p) {
        return new ShimPlan(implement, stub, fake, fallbacks, verified, passes, repairs, p);
    }

    /** The partial support of {@code s}, if the plan has one. */
    public java.util.Optional<Partial> partialOf(Syscall s) {
        return partial.stream().filter(p -> p.syscall().equals(s)).findFirst();
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
        ShimConfiguration c = ShimConfiguration.closedWorld(m, Treatment.STUB);
        for (Partial p : partial) {
            c = p.applyTo(c);
        }
        return c;
    }

    /** The treatment of {@code s} in the plan; null if the plan does not name it. */
    public Treatment treatmentOf(Syscall s) {
        return implement.contains(s) ? Treatment.IMPLEMENT : stub.contains(s) ? Treatment.STUB
                : fake.contains(s) ? Treatment.FAKE : null;
    }
}
