package dev.shimscope.staticbin;

import dev.shimscope.syscall.Arch;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * What to keep in mind when comparing a static set with a traced one: calls the vDSO normally
 * serves without entering the kernel (a trace never shows them, the static set keeps them
 * because the C library keeps the syscall fallback), and the launch's {@code execve}, which every
 * trace shows although the tracer makes it before the program runs.
 */
public final class TraceComparison {

    /** The vDSO's functions (arch/x86/entry/vdso, arch/arm64/kernel/vdso). */
    private static final Set<String> X86_64_VDSO = Set.of("clock_gettime", "gettimeofday", "time", "getcpu", "clock_getres");
    private static final Set<String> AARCH64_VDSO = Set.of("clock_gettime", "gettimeofday", "clock_getres");
    /** Made by the kernel, never by a site: restarts an interrupted call. */
    public static final String KERNEL_ONLY = "restart_syscall";
    public static final String LAUNCH = "execve";

    private TraceComparison() {
    }

    public static Set<String> vdso(Arch arch) {
        return arch == Arch.AARCH64 ? AARCH64_VDSO : X86_64_VDSO;
    }

    /**
     * On aarch64 the kernel returns from a signal handler installed without SA_RESTORER (glibc's
     * and Go's are) through the vDSO's {@code __kernel_rt_sigreturn}: code no loaded module has.
     * Returns rt_sigreturn's number when {@code set} makes rt_sigaction but not rt_sigreturn, else -1.
     */
    public static int vdsoSigreturn(dev.shimscope.syscall.SyscallTable table, java.util.BitSet set) {
        if (table.arch() != Arch.AARCH64) {
            return -1;
        }
        int action = table.byName("rt_sigaction").map(s -> s.number()).orElse(-1);
        int ret = table.byName("rt_sigreturn").map(s -> s.number()).orElse(-1);
        return action >= 0 && ret >= 0 && set.get(action) && !set.get(ret) ? ret : -1;
    }

    /** The note for one syscall of a static set, or null. */
    public static String note(Arch arch, String name) {
        if (vdso(arch).contains(name)) {
            return "vDSO: normally served without entering the kernel, so usually absent from a trace";
        }
        if (name.equals(LAUNCH)) {
            return "the program can exec itself; a trace also shows the launch's execve";
        }
        return null;
    }

    /** Summary lines for a static set given by name. */
    public static List<String> summary(Arch arch, List<String> set) {
        List<String> out = new ArrayList<>();
        List<String> v = set.stream().filter(vdso(arch)::contains).toList();
        if (!v.isEmpty()) {
            out.add("vDSO-served (usually absent from a trace): " + String.join(" ", v));
        }
        out.add(set.contains(LAUNCH) ? "execve: made by the program, and by the launch in every trace"
                : "execve: not made by the program; a trace shows the launch's execve (made before the program runs)");
        return out;
    }
}
