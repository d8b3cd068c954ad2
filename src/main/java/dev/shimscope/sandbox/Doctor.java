package dev.shimscope.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Checks the machine: each check says OK, or what is missing and the command that fixes it.
 * Checks run the real thing where they can (a filter is loaded, a sandbox started, a process
 * traced), since a tool being installed does not mean it works here.
 */
public final class Doctor {

    /** One line of the report. */
    public record Check(String name, boolean required, boolean ok, String detail) {
    }

    private Doctor() {
    }

    /** A cgroup (v2) per run: CPU time, and the CPU starvation that time limits leave out. */
    static Check cgroups() {
        java.util.Optional<RunCgroups> g = RunCgroups.create();
        return g.map(x -> new Check("cgroup v2 for runs", false, true, "CPU time and CPU waits of runs measured;"
                        + " time limits leave out the waits"))
                .orElseGet(() -> new Check("cgroup v2 for runs", false, false, "no writable cgroup v2 hierarchy: time"
                        + " limits are wall-clock, so a busy machine can fail runs; run as root on a machine with cgroup v2"));
    }

    public static List<Check> runAll() {
        List<Check> checks = new ArrayList<>();
        checks.add(jdk());
        checks.add(seccomp());
        checks.add(bwrap());
        checks.add(namespaces());
        checks.add(strace());
        checks.add(cgroups());
        checks.add(optionalTool("GNU time", "/usr/bin/time", "time", "peak memory of runs"));
        checks.add(optionalTool("gcc", "gcc", "gcc", "compiles the test fixtures"));
        checks.add(optionalTool("musl-gcc", "musl-gcc", "musl-tools", "static test fixtures"));
        checks.add(optionalTool("objdump", "objdump", "binutils", "disassembly for 'static'"));
        return checks;
    }

    static Check jdk() {
        int feature = Runtime.version().feature();
        return new Check("JDK", true, feature >= 25, "Java " + Runtime.version()
                + (feature >= 25 ? "" : ": shimscope needs 25 or newer (set JAVA_HOME to a JDK 25)"));
    }

    static Check seccomp() {
        String name = "seccomp filters";
        Path actions = Path.of("/proc/sys/kernel/seccomp/actions_avail");
        String avail;
        try {
            avail = Files.readString(actions).trim();
        } catch (IOException e) {
            return new Check(name, true, false, "kernel without seccomp filter support (no " + actions
                    + "): use a kernel built with CONFIG_SECCOMP_FILTER");
        }
        if (!avail.contains("errno") || !avail.contains("kill_process")) {
            return new Check(name, true, false, "kernel lacks the errno or kill_process action (has: " + avail + ")");
        }
        Optional<Path> perl = HostTools.find("perl");
        if (perl.isEmpty()) {
            return new Check(name, true, false, "perl not found (it loads the filters): apt-get install -y perl-base");
        }
        try {
            Path dir = Files.createTempDirectory("shimscope-doctor");
            try {
                Path loader = dir.resolve("seccomp-exec");
                Files.write(loader, Sandbox.class.getResourceAsStream("seccomp-exec.pl").readAllBytes());
                Path filter = dir.resolve("f.bpf");
                Files.write(filter, SeccompFilter.forEach(List.of(63), SeccompAction.STUB).compile()); // uname
                Probe p = probe(List.of(perl.get().toString(), loader.toString(), filter.toString(), "uname", "uname"));
                boolean stubbed = p.exit != 0 && p.output.contains("Function not implemented");
                return new Check(name, true, stubbed, stubbed ? "kernel actions: " + avail + "; a generated filter stubbed uname"
                        : "a generated filter did not take effect: " + p.output.strip());
            } finally {
                Sandbox.deleteTree(dir);
            }
        } catch (IOException e) {
            return new Check(name, true, false, "cannot test a filter: " + e.getMessage());
        }
    }

    static Check bwrap() {
        Optional<Path> bwrap = HostTools.find("bwrap");
        if (bwrap.isEmpty()) {
            return new Check("bubblewrap", true, false, "bwrap not found: apt-get install -y bubblewrap");
        }
        List<String> cmd = new ArrayList<>(List.of(bwrap.get().toString(), "--die-with-parent", "--unshare-net",
                "--unshare-pid", "--unshare-uts", "--unshare-ipc", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"));
        if (!HostTools.isRoot()) {
            cmd.add("--unshare-user");
        }
        cmd.addAll(List.of("--", "true"));
        Probe p = probe(cmd);
        Probe v = probe(List.of(bwrap.get().toString(), "--version"));
        return new Check("bubblewrap", true, p.exit == 0, p.exit == 0 ? v.output.strip() + ": a sandbox with its own net, pid, uts and ipc namespaces started"
                : "bwrap cannot create namespaces here: " + p.output.strip());
    }

    static Check namespaces() {
        if (HostTools.isRoot()) {
            return new Check("privileges", true, true,
                    "root: runs keep uid 0 with a reduced capability set (no CAP_SYS_ADMIN, CAP_SYS_TIME, ...)");
        }
        try {
            Path clone = Path.of("/proc/sys/kernel/unprivileged_userns_clone");
            if (Files.exists(clone) && Files.readString(clone).trim().equals("0")) {
                return new Check("privileges", true, false,
                        "unprivileged user namespaces are disabled: run as root, or sysctl -w kernel.unprivileged_userns_clone=1");
            }
            String max = Files.readString(Path.of("/proc/sys/user/max_user_namespaces")).trim();
            boolean ok = !max.equals("0");
            return new Check("privileges", true, ok, ok ? "not root: runs use an unprivileged user namespace"
                    : "user.max_user_namespaces is 0: run as root, or raise it with sysctl");
        } catch (IOException e) {
            return new Check("privileges", true, false, "cannot read namespace limits: " + e.getMessage());
        }
    }

    static Check strace() {
        Optional<Path> strace = HostTools.find("strace");
        if (strace.isEmpty()) {
            return new Check("strace", true, false, "strace not found: apt-get install -y strace");
        }
        Probe p = probe(List.of(strace.get().toString(), "-f", "-qq", "-o", "/dev/null", "--", "true"));
        Probe v = probe(List.of(strace.get().toString(), "-V"));
        String version = v.output.lines().findFirst().orElse("strace");
        return new Check("strace", true, p.exit == 0, p.exit == 0 ? version + ": traced a process"
                : "strace cannot trace here (ptrace restricted?): " + p.output.strip());
    }

    static Check optionalTool(String name, String program, String pkg, String purpose) {
        Optional<Path> p = HostTools.find(program);
        return new Check(name, false, p.isPresent(), p.map(x -> x + " (" + purpose + ")")
                .orElse("not found (" + purpose + "): apt-get install -y " + pkg));
    }

    private record Probe(int exit, String output) {
    }

    private static Probe probe(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return new Probe(-1, "timed out");
            }
            return new Probe(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Probe(-1, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Probe(-1, "interrupted");
        }
    }
}
