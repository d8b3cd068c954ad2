package dev.shimscope.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shimscope.model.Json;
import dev.shimscope.model.ShimConfiguration;
import dev.shimscope.model.ShimPlan;
import dev.shimscope.model.Treatment;
import dev.shimscope.plan.AppNeeds;
import dev.shimscope.plan.Need;
import dev.shimscope.sandbox.SeccompFilter;
import dev.shimscope.store.Profile;
import dev.shimscope.syscall.Arch;
import dev.shimscope.syscall.Syscall;
import dev.shimscope.syscall.SyscallTable;
import dev.shimscope.syscall.args.ArgumentValue;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A seccomp profile in the OCI / Docker format ({@code defaultAction}, {@code architectures},
 * {@code syscalls[{names, action, errnoRet}]}) from stored results: allow what the workloads
 * require, return ENOSYS for what they survive stubbed (stub-only, and calls that work both ways,
 * since ENOSYS does the least), return 0 ({@code SCMP_ACT_ERRNO} with {@code errnoRet} 0) for what
 * only works faked, and deny everything else with EPERM, as Docker's default profile does (or, from
 * a verified shim plan, exactly that plan with ENOSYS for everything else; see {@link #of}). With
 * several workloads the needs combine as in {@link AppNeeds}: the profile passes all of them.
 * {@code execve} is always allowed, because the container runtime execs the application after it
 * loads the filter. A plan's partial support becomes argument rules ({@code args} with
 * {@code SCMP_CMP_MASKED_EQ}): only the calls with an implemented value are allowed, those with a
 * faked one return 0, the syscall's other calls ENOSYS.
 */
public record SeccompProfile(String app, List<String> workloads, SortedSet<String> allow, SortedSet<String> stub,
                             SortedSet<String> fake, boolean execveAdded, SortedSet<String> unnamed, int defaultErrno,
                             List<ShimPlan.Partial> partial) {

    public SeccompProfile(String app, List<String> workloads, SortedSet<String> allow, SortedSet<String> stub,
                          SortedSet<String> fake, boolean execveAdded, SortedSet<String> unnamed, int defaultErrno) {
        this(app, workloads, allow, stub, fake, execveAdded, unnamed, defaultErrno, List.of());
    }

    /** errno for everything the workloads never called. */
    public static final int DENY_ERRNO = 1; // EPERM, as Docker's default profile

    public SeccompProfile {
        workloads = List.copyOf(workloads);
        allow = Collections.unmodifiableSortedSet(new TreeSet<>(allow));
        stub = Collections.unmodifiableSortedSet(new TreeSet<>(stub));
        fake = Collections.unmodifiableSortedSet(new TreeSet<>(fake));
        unnamed = Collections.unmodifiableSortedSet(new TreeSet<>(unnamed));
        partial = partial == null ? List.of() : List.copyOf(partial);
    }

    /**
     * The profile for an app from the newest run of each of the given workloads (x86_64 results).
     * When every one of them holds a shim plan that shimscope verified with all other syscalls
     * returning ENOSYS, the profile is exactly that plan (its fallbacks included) with ENOSYS as
     * the default; otherwise it is built from the verdicts, with EPERM as the default.
     */
    public static SeccompProfile of(String app, List<Profile> profiles) {
        SeccompProfile fromPlans = fromVerifiedPlans(app, profiles);
        if (fromPlans != null) {
            return fromPlans;
        }
        return fromVerdicts(app, profiles);
    }

    private static SeccompProfile fromVerifiedPlans(String app, List<Profile> profiles) {
        if (profiles.isEmpty()) {
            return null;
        }
        TreeSet<String> allow = new TreeSet<>();
        java.util.Map<String, Treatment> planned = new java.util.TreeMap<>();
        java.util.Set<String> conflicting = new TreeSet<>();
        List<String> workloads = new java.util.ArrayList<>();
        for (Profile p : profiles) {
            ShimPlan plan = p.verifiedPlan().orElse(null);
            if (plan == null || p.arch() != Arch.X86_64) {
                return null;
            }
            workloads.add(p.workloadDir());
            plan.implement().forEach(s -> allow.add(s.name()));
            for (Syscall s : plan.stub()) {
                if (planned.merge(s.name(), Treatment.STUB, (a, b) -> a.equals(b) ? a : Treatment.IMPLEMENT) == Treatment.IMPLEMENT) {
                    conflicting.add(s.name());
                }
            }
            for (Syscall s : plan.fake()) {
                if (planned.merge(s.name(), Treatment.FAKE, (a, b) -> a.equals(b) ? a : Treatment.IMPLEMENT) == Treatment.IMPLEMENT) {
                    conflicting.add(s.name());
                }
            }
        }
        TreeSet<String> stub = new TreeSet<>();
        TreeSet<String> fake = new TreeSet<>();
        planned.forEach((name, t) -> {
            if (allow.contains(name) || conflicting.contains(name)) {
                allow.add(name); // needed by one workload, or stubbed by one and faked by another
            } else {
                (t.kind() == Treatment.Kind.STUB ? stub : fake).add(name);
            }
        });
        boolean execveAdded = allow.add("execve");
        stub.remove("execve");
        fake.remove("execve");
        List<ShimPlan.Partial> partial = partial(profiles, allow);
        partial.forEach(p -> allow.remove(p.syscall().name()));
        return new SeccompProfile(app, workloads, allow, stub, fake, execveAdded, new TreeSet<>(), Treatment.ENOSYS, partial);
    }

    /**
     * The partial support the plans agree on: a syscall allowed by the profile is partial only if
     * every plan that implements it has partial support for it over the same argument; the
     * implemented values are those any plan implements, the faked ones those some plan fakes and
     * none implements or stubs (a value faked by one plan and stubbed by another is allowed).
     */
    private static List<ShimPlan.Partial> partial(List<Profile> profiles, java.util.Set<String> allow) {
        java.util.Map<Syscall, List<ShimPlan.Partial>> by = new java.util.TreeMap<>();
        java.util.Set<Syscall> whole = new TreeSet<>();
        for (Profile p : profiles) {
            ShimPlan plan = p.plan();
            for (Syscall s : plan.implement()) {
                plan.partialOf(s).ifPresentOrElse(x -> by.computeIfAbsent(s, k -> new java.util.ArrayList<>()).add(x),
                        () -> whole.add(s));
            }
        }
        List<ShimPlan.Partial> out = new java.util.ArrayList<>();
        by.forEach((s, parts) -> {
            if (whole.contains(s) || !allow.contains(s.name()) || s.name().equals("execve")
                    || parts.stream().map(ShimPlan.Partial::label).distinct().count() != 1) {
                return;
            }
            java.util.Set<ArgumentValue> implement = new java.util.TreeSet<>();
            java.util.Set<ArgumentValue> fake = new java.util.TreeSet<>();
            java.util.Set<ArgumentValue> stub = new java.util.TreeSet<>();
            parts.forEach(x -> {
                implement.addAll(x.implement());
                fake.addAll(x.fake());
                stub.addAll(x.stub());
            });
            java.util.Set<ArgumentValue> conflicting = new java.util.TreeSet<>(fake);
            conflicting.retainAll(stub);
            implement.addAll(conflicting);
            fake.removeAll(implement);
            stub.removeAll(implement);
            stub.removeAll(fake);
            out.add(new ShimPlan.Partial(s, parts.getFirst().label(), List.copyOf(implement), List.copyOf(fake), List.copyOf(stub)));
        });
        return out;
    }

    private static SeccompProfile fromVerdicts(String app, List<Profile> profiles) {
        List<Profile> dynamic = profiles.stream().filter(Profile::hasDynamic).toList();
        if (dynamic.isEmpty()) {
            throw new IllegalArgumentException("app '" + app + "' has no dynamic results to build a seccomp profile from");
        }
        for (Profile p : dynamic) {
            if (p.arch() != Arch.X86_64) {
                throw new IllegalArgumentException(p.relativeDir() + " is a " + p.arch() + " result; seccomp profiles are x86_64 only");
            }
        }
        AppNeeds needs = AppNeeds.of(app, dynamic);
        SyscallTable table = SyscallTable.x86_64();
        TreeSet<String> allow = new TreeSet<>();
        TreeSet<String> stub = new TreeSet<>();
        TreeSet<String> fake = new TreeSet<>();
        TreeSet<String> unnamed = new TreeSet<>();
        TreeSet<String> used = new TreeSet<>();
        dynamic.forEach(p -> used.addAll(p.used()));
        for (String s : used) {
            if (!table.require(s).known()) {
                unnamed.add(s);         // libseccomp resolves names; a number without one cannot be listed
                continue;
            }
            Need n = needs.needs().get(s);
            if (n == null || n == Need.STUB) {
                stub.add(s);
            } else if (n == Need.FAKE) {
                fake.add(s);
            } else {
                allow.add(s);
            }
        }
        boolean execveAdded = allow.add("execve");
        stub.remove("execve");
        fake.remove("execve");
        return new SeccompProfile(app, needs.workloads(), allow, stub, fake, execveAdded, unnamed, DENY_ERRNO);
    }

    /** The profile as JSON for {@code docker run --security-opt seccomp=FILE} or an OCI runtime. */
    public String json() {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("defaultAction", "SCMP_ACT_ERRNO");
        root.put("defaultErrnoRet", defaultErrno);
        root.putArray("architectures").add("SCMP_ARCH_X86_64");
        ArrayNode syscalls = root.putArray("syscalls");
        entry(syscalls, allow, "SCMP_ACT_ALLOW", null, "required by " + app + " (" + String.join(", ", workloads) + ")"
                + (execveAdded ? "; execve added: the container runtime execs the app under the filter" : ""));
        entry(syscalls, stub, "SCMP_ACT_ERRNO", Treatment.ENOSYS, "stubbed: " + app + " passes when these return ENOSYS");
        entry(syscalls, fake, "SCMP_ACT_ERRNO", 0, "faked: " + app + " passes when these return 0 without doing anything");
        for (ShimPlan.Partial p : partial) {
            for (ArgumentValue v : p.implement()) {
                argumentEntry(syscalls, p.syscall().name(), v, "SCMP_ACT_ALLOW", null, "partial support: " + ExploreReport.partialText(p));
            }
            for (ArgumentValue v : p.fake()) {
                argumentEntry(syscalls, p.syscall().name(), v, "SCMP_ACT_ERRNO", 0, "partial support: " + ExploreReport.partialText(p));
            }
        }
        return Json.write(root);
    }

    /** One rule for the calls of {@code name} with argument value {@code v} (every match holds). */
    private static void argumentEntry(ArrayNode syscalls, String name, ArgumentValue v, String action, Integer errno,
                                      String comment) {
        ObjectNode e = syscalls.addObject();
        e.putArray("names").add(name);
        e.put("action", action);
        if (errno != null) {
            e.put("errnoRet", errno);
        }
        ArrayNode args = e.putArray("args");
        for (ArgumentValue.Match m : v.matches()) {
            // libseccomp's masked compare: (arg & value) == valueTwo
            args.addObject().put("index", m.index()).put("value", m.mask()).put("valueTwo", m.value())
                    .put("op", "SCMP_CMP_MASKED_EQ");
        }
        e.put("comment", comment + " (" + v.id() + ")");
    }

    private static void entry(ArrayNode syscalls, Collection<String> names, String action, Integer errno, String comment) {
        if (names.isEmpty()) {
            return;
        }
        ObjectNode e = syscalls.addObject();
        ArrayNode n = e.putArray("names");
        names.forEach(n::add);
        e.put("action", action);
        if (errno != null) {
            e.put("errnoRet", errno);
        }
        e.put("comment", comment);
    }

    /** The profile's policy as a shim configuration (x86_64): what a run under it gets. */
    public ShimConfiguration configuration() {
        SyscallTable table = SyscallTable.x86_64();
        java.util.Map<Syscall, Treatment> m = new java.util.TreeMap<>();
        allow.forEach(s -> m.put(table.require(s), Treatment.IMPLEMENT));
        stub.forEach(s -> m.put(table.require(s), Treatment.STUB));
        fake.forEach(s -> m.put(table.require(s), Treatment.FAKE));
        ShimConfiguration c = ShimConfiguration.closedWorld(m, new Treatment.Stub(defaultErrno));
        for (ShimPlan.Partial p : partial) {
            c = p.applyTo(c);
        }
        return c;
    }

    /** The same policy as a BPF filter for {@link dev.shimscope.sandbox.Sandbox}, e.g. to run the workload under it. */
    public SeccompFilter toFilter() {
        return SeccompFilter.of(configuration());
    }

    /** One line for the terminal. */
    public String summary() {
        return app + " (" + String.join(", ", workloads) + "): allow " + allow.size()
                + (partial.isEmpty() ? "" : " (+" + partial.size() + " for some argument values only)") + ", ENOSYS " + stub.size()
                + ", return 0 " + fake.size() + ", everything else " + (defaultErrno == Treatment.ENOSYS
                ? "ENOSYS (the verified shim plan)" : "EPERM")
                + (unnamed.isEmpty() ? "" : "; left out (no name for libseccomp): " + String.join(", ", unnamed));
    }
}
