package dev.shimscope.campaign;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A single-node Slurm cluster for the tests, started from nothing and stopped by PID: its own
 * munged (its own key and socket), slurmctld and slurmd on 127.0.0.1 with free ports, a
 * generated slurm.conf; all their state, logs, sockets and pid files in one temporary directory
 * (nothing of the host's /etc/slurm, /etc/munge, /var/lib/slurm or /run/munge is read or
 * written). Jobs run as root, as the tests do. {@link #close} cancels every job, stops the daemons
 * by the PIDs it started, and then ends, by PID, any process left holding a file of the cluster's
 * directory (a slurmstepd of a job that was still running); {@link #survivors} says whether any
 * is left.
 */
final class SlurmTestCluster implements AutoCloseable {

    static final String NODE = "shimscope-test-node";

    private final Path dir;
    private final Path conf;
    private final List<Process> daemons = new ArrayList<>();
    private final Thread safetyNet = new Thread(this::stop, "slurm-test-cluster-stop");
    private boolean stopped;

    private SlurmTestCluster(Path dir) {
        this.dir = dir;
        this.conf = dir.resolve("slurm.conf");
    }

    static SlurmTestCluster start() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("shimscope-slurm");
        // munged wants its socket's directory searchable by everyone, and its key private
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        SlurmTestCluster c = new SlurmTestCluster(dir);
        Runtime.getRuntime().addShutdownHook(c.safetyNet);
        try {
            c.startDaemons();
        } catch (IOException | InterruptedException | RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    private void startDaemons() throws IOException, InterruptedException {
        Path munge = Files.createDirectories(dir.resolve("munge"));
        Files.setPosixFilePermissions(munge, PosixFilePermissions.fromString("rwx------"));
        Path run = Files.createDirectories(dir.resolve("run"));
        Path log = Files.createDirectories(dir.resolve("log"));
        Path key = munge.resolve("munge.key");
        byte[] secret = new byte[1024];
        new SecureRandom().nextBytes(secret);
        Files.write(key, secret);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("r--------"));
        Path socket = run.resolve("munge.socket");
        daemons.add(daemon(log.resolve("munged.out"), "munged", "--foreground", "--socket=" + socket, "--key-file=" + key,
                "--pid-file=" + run.resolve("munged.pid"), "--log-file=" + log.resolve("munged.log"),
                "--seed-file=" + munge.resolve("munged.seed")));
        awaitTrue(() -> Files.exists(socket), 20, "munged did not create its socket; see " + log.resolve("munged.out"));

        Files.createDirectories(dir.resolve("ctld"));
        Files.createDirectories(dir.resolve("slurmd"));
        Files.writeString(dir.resolve("plugstack.conf"), "");
        Files.writeString(conf, """
                # a single-node cluster for shimscope's tests
                ClusterName=shimscope-test
                SlurmctldHost=localhost(127.0.0.1)
                SlurmctldPort=%d
                SlurmdPort=%d
                SlurmUser=root
                SlurmdUser=root
                AuthType=auth/munge
                CredType=cred/munge
                AuthInfo=socket=%s
                StateSaveLocation=%s
                SlurmdSpoolDir=%s
                SlurmctldPidFile=%s
                SlurmdPidFile=%s
                SlurmctldLogFile=%s
                SlurmdLogFile=%s
                PlugStackConfig=%s
                MailProg=/bin/true
                ProctrackType=proctrack/linuxproc
                TaskPlugin=task/none
                JobAcctGatherType=jobacct_gather/none
                AccountingStorageType=accounting_storage/none
                JobCompType=jobcomp/none
                MpiDefault=none
                SchedulerType=sched/backfill
                SelectType=select/cons_tres
                SelectTypeParameters=CR_CPU
                SlurmdParameters=config_overrides
                ReturnToService=2
                KillWait=10
                NodeName=%s NodeAddr=127.0.0.1 CPUs=%d State=UNKNOWN
                PartitionName=test Nodes=%s Default=YES MaxTime=INFINITE State=UP
                """.formatted(freePort(), freePort(), socket, dir.resolve("ctld"), dir.resolve("slurmd"),
                run.resolve("slurmctld.pid"), run.resolve("slurmd.pid"), log.resolve("slurmctld.log"),
                log.resolve("slurmd.log"), dir.resolve("plugstack.conf"), NODE,
                Runtime.getRuntime().availableProcessors(), NODE));
        daemons.add(daemon(log.resolve("slurmctld.out"), "slurmctld", "-D", "-f", conf.toString()));
        daemons.add(daemon(log.resolve("slurmd.out"), "slurmd", "-D", "-f", conf.toString(), "-N", NODE));
        awaitTrue(() -> command("sinfo", "-h", "-o", "%T").strip().equals("idle"), 60,
                "the test cluster's node did not become idle; see " + log);
    }

    /** The environment Slurm's commands need to talk to this cluster. */
    Map<String, String> env() {
        return Map.of("SLURM_CONF", conf.toString());
    }

    Path dir() {
        return dir;
    }

    /** PIDs of munged, slurmctld and slurmd. */
    List<Long> daemonPids() {
        return daemons.stream().map(Process::pid).toList();
    }

    /** Runs a Slurm command against this cluster and returns its standard output ("" if it failed). */
    String command(String... cmd) {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().putAll(env());
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : "";
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(safetyNet);
        } catch (IllegalStateException e) {
            // the JVM is shutting down: the hook is what runs
        }
    }

    private synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        if (daemons.size() == 3) {
            // no job may outlive the cluster: cancel them and let slurmd end their steps
            List<String> jobs = command("squeue", "-h", "-o", "%A").lines().map(String::strip)
                    .filter(s -> s.matches("\\d+")).distinct().toList();
            if (!jobs.isEmpty()) {
                List<String> cancel = new ArrayList<>(List.of("scancel"));
                cancel.addAll(jobs);
                command(cancel.toArray(String[]::new));
                try {
                    awaitTrue(() -> command("squeue", "-h", "-o", "%A").isBlank(), 60, "jobs did not end");
                } catch (IOException | InterruptedException e) {
                    // stop the daemons anyway
                }
            }
        }
        // slurmd, slurmctld, then munged (which they use until they end)
        for (int i = daemons.size() - 1; i >= 0; i--) {
            stopProcess(daemons.get(i).toHandle());
        }
        for (ProcessHandle p : survivors()) {
            stopProcess(p);
        }
    }

    private static void stopProcess(ProcessHandle p) {
        p.destroy();
        try {
            p.onExit().get(20, TimeUnit.SECONDS);
        } catch (Exception e) {
            p.destroyForcibly();
            try {
                p.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // reported by survivors()
            }
        }
    }

    /**
     * Live processes (not zombies) that are the cluster's daemons or hold one of its files: its
     * command line, working directory or an open file is in the cluster's directory. Found by
     * reading /proc, never by a process name.
     */
    List<ProcessHandle> survivors() {
        List<ProcessHandle> found = new ArrayList<>();
        daemons.stream().map(Process::toHandle).filter(ProcessHandle::isAlive).forEach(found::add);
        String prefix = dir.toString();
        long self = ProcessHandle.current().pid();
        try (var procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path proc : procs) {
                long pid = Long.parseLong(proc.getFileName().toString());
                if (pid == self || found.stream().anyMatch(h -> h.pid() == pid) || zombie(proc)) {
                    continue;
                }
                if (uses(proc, prefix)) {
                    ProcessHandle.of(pid).ifPresent(found::add);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc", e);
        }
        return found;
    }

    private static boolean zombie(Path proc) {
        try {
            String stat = Files.readString(proc.resolve("stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (IOException | RuntimeException e) {
            return true; // gone
        }
    }

    private static boolean uses(Path proc, String prefix) {
        try {
            if (new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8).contains(prefix)) {
                return true;
            }
            if (Files.readSymbolicLink(proc.resolve("cwd")).toString().startsWith(prefix)) {
                return true;
            }
            try (var fds = Files.newDirectoryStream(proc.resolve("fd"))) {
                for (Path fd : fds) {
                    try {
                        if (Files.readSymbolicLink(fd).toString().startsWith(prefix)) {
                            return true;
                        }
                    } catch (IOException e) {
                        // closed meanwhile
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // ended meanwhile, or not ours to read
        }
        return false;
    }

    private Process daemon(Path output, String... cmd) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(output.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().putAll(env());
        return pb.start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private interface Check {
        boolean ok() throws IOException;
    }

    private static void awaitTrue(Check check, int seconds, String failure) throws IOException, InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!check.ok()) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException(failure);
            }
            Thread.sleep(200);
        }
    }
}
