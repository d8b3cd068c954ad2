package dev.shimscope.sandbox;

import dev.shimscope.syscall.SyscallTable;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs commands in bubblewrap sandboxes that cannot change the host.
 *
 * <p>Every run gets fresh network (loopback only, up), pid, uts, ipc and mount namespaces; the
 * installed system read-only and nothing else of the host ({@link HostView}: no homes, no
 * {@code /var}, no private files), with private {@code /tmp}, {@code /var}, {@code /run} and
 * empty homes; a scratch directory and fresh copies of declared writable paths; an environment
 * of its own (nothing of the caller's, also not in the sandbox's init); and, when started as root,
 * only the capabilities Docker gives a container by default, minus MKNOD, SETFCAP and
 * AUDIT_WRITE. Without CAP_SYS_ADMIN, CAP_SYS_TIME, CAP_SYS_MODULE and the like a run cannot
 * rename the host, write sysctls, remount anything writable or set the clock, and a filter
 * that bwrap loads for the whole sandbox ({@code --seccomp}) refuses those calls with EPERM
 * as a second line of defence. {@code --die-with-parent} and the pid namespace make sure that
 * killing the run (timeout, Ctrl-C, or this JVM dying) ends every process it started; a run
 * returns only once its namespace is gone, and a small reaper process ends the runs that
 * --die-with-parent misses when the JVM dies while bwrap is still building a namespace.
 *
 * <p>Experiment filters are not loaded by bwrap, because they must apply to the application
 * only, never to the sandbox's own helpers: {@link #LOADER} loads one right before exec'ing
 * the filtered program. It needs no capability, which is also why it, and not a nested bwrap
 * (that would need CAP_SYS_ADMIN), applies a filter to one binary of a run.
 */
public final class Sandbox {

    /** Read-only directory inside every run with the loader, the filter and run-specific files. */
    public static final String CONTROL_DIR = "/run/shimscope";
    /** The exec loader: {@code seccomp-exec FILTER PROGRAM ARGV0 ARGS...}. */
    public static final String LOADER = CONTROL_DIR + "/seccomp-exec";
    /** The run's filter program, when the run has one. */
    public static final String FILTER = CONTROL_DIR + "/filter.bpf";
    /** Writable directory inside every run for results the caller reads afterwards. */
    public static final String OUT_DIR = CONTROL_DIR + "/out";
    /** Where the real binary is mounted when a filter applies to one binary only. */
    public static final String REAL_DIR = CONTROL_DIR + "/real";

    private static final String HOSTNAME = "shimscope";
    /** bwrap's --info-fd output in the run directory: the namespace init's host pid. */
    static final String INFO_FILE = "bwrap-info.json";
    private static final int TAIL_BYTES = 8192;

    /** Docker's default capability set minus MKNOD, SETFCAP and AUDIT_WRITE. */
    static final List<String> KEPT_CAPABILITIES = List.of(
            "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID",
            "CAP_SETUID", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW", "CAP_SYS_CHROOT");

    /** Calls that could change the host given the capability; refused with EPERM for the whole run. */
    static final List<String> HOST_CHANGING_SYSCALLS = List.of(
            "mount", "umount2", "pivot_root", "swapon", "swapoff", "reboot", "sethostname", "setdomainname",
            "iopl", "ioperm", "init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load",
            "settimeofday", "clock_settime", "acct", "open_by_handle_at", "fsopen", "fsconfig", "fsmount",
            "move_mount", "open_tree", "mount_setattr");

    /**
     * Inside a run, the CPU pressure file of its cgroup ({@link RunCgroups}), when it has one:
     * the supervisor reads the time its processes waited for a CPU from it.
     */
    public static final String CPU_PRESSURE = CONTROL_DIR + "/cpu.pressure";
    private static final String CPU_PRESSURE_NAME = "cpu.pressure";

    /** PATH inside every run. */
    public static final String SANDBOX_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
    /** One reaper per work directory; referenced so that its pipe stays open as long as the JVM lives. */
    private static final Set<Process> REAPERS = ConcurrentHashMap.newKeySet();

    /**
     * Starts the process ({@code reaper.sh}) that ends what is left of the runs of {@code work}
     * once this JVM is gone (SIGKILL, a crash). bwrap's --die-with-parent alone leaves a gap: bwrap
     * sets it up for the namespace's init only once the namespace is ready, and an init whose
     * bwrap died before that runs on as an orphan, command and all.
     */
    private static void startReaper(Path work) throws IOException {
        String script = new String(Sandbox.class.getResourceAsStream("reaper.sh").readAllBytes(), StandardCharsets.UTF_8);
        Process reaper = new ProcessBuilder("/bin/sh", "-c", script)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        reaper.getOutputStream().write((work.toAbsolutePath() + "\n").getBytes(StandardCharsets.UTF_8));
        reaper.getOutputStream().flush();
        REAPERS.add(reaper);
    }
    /**
     * One long-lived platform thread starts every process: the kernel sends --die-with-parent's
     * signal when the thread that forked bwrap ends, so that thread must live as long as the JVM.
     */
    private static final ExecutorService SPAWNER = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "shimscope-spawner");
        t.setDaemon(true);
        return t;
    });

    private static volatile boolean shuttingDown;

    /** Work directories to delete at exit, after every run is gone (one hook: hooks run concurrently). */
    private static final Set<Path> WORK_DIRS = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            shuttingDown = true;
            killAll();
            // a run being set up when the signal came may still write its directory: delete twice
            for (int pass = 0; pass < 2; pass++) {
                for (Path work : WORK_DIRS) {
                    deleteWorkDir(work);
                }
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "shimscope-kill-runs"));
    }

    /**
     * Deletes a work directory, its owner file last: a directory whose deletion was cut short
     * keeps its owner file, so a later shimscope still recognises it as stale and removes it.
     */
    static void deleteWorkDir(Path work) {
        try (var entries = Files.newDirectoryStream(work)) {
            for (Path e : entries) {
                if (!e.getFileName().toString().equals(OWNER_FILE)) {
                    deleteTree(e);
                }
            }
        } catch (IOException e) {
            // gone already, or unreadable: the owner file stays for the next cleanup
        }
        deleteTree(work);
    }

    /**
     * True once the JVM is shutting down (Ctrl-C, SIGTERM): runs ending from now on were killed by
     * us, so their outcome says nothing about the application and must not be recorded.
     */
    public static boolean isShuttingDown() {
        return shuttingDown;
    }

    private final Path bwrap;
    private final Path time;
    private final Path setpriv;
    private final Path setsid;
    private final Path workRoot;
    private final Path hardeningFilter;
    private final byte[] loader;
    private final boolean root;
    private final boolean keepRunDirs;
    private final AtomicLong runCounter = new AtomicLong();
    private final Path emptyFile;
    private final Path emptyDir;
    private final String home;
    private final Set<Path> hidden = ConcurrentHashMap.newKeySet();
    private final java.util.Optional<RunCgroups> cgroups;

    private Sandbox(Path bwrap, Path time, Path setpriv, Path setsid, Path workRoot, boolean keepRunDirs) {
        this.bwrap = bwrap;
        this.time = time;
        this.setpriv = setpriv;
        this.setsid = setsid;
        this.workRoot = workRoot;
        this.keepRunDirs = keepRunDirs;
        this.root = HostTools.isRoot();
        this.home = root ? "/root" : System.getProperty("user.home");
        this.cgroups = RunCgroups.create();
        try {
            this.loader = Sandbox.class.getResourceAsStream("seccomp-exec.pl").readAllBytes();
            SyscallTable table = SyscallTable.x86_64();
            SeccompFilter.Builder hardening = SeccompFilter.builder(SeccompAction.ALLOW);
            for (String name : HOST_CHANGING_SYSCALLS) {
                hardening.rule(table.require(name).number(), new SeccompAction.Errno(SeccompAction.EPERM));
            }
            this.hardeningFilter = workRoot.resolve("hardening.bpf");
            Files.write(hardeningFilter, hardening.build().compile());
            this.emptyFile = Files.createFile(workRoot.resolve("empty-file"));
            this.emptyDir = Files.createDirectory(workRoot.resolve("empty-dir"));
            Files.setPosixFilePermissions(emptyFile, PosixFilePermissions.fromString("r--r--r--"));
            Files.setPosixFilePermissions(emptyDir, PosixFilePermissions.fromString("r-xr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A sandbox whose run directories live in a new temporary directory. */
    public static Sandbox create() {
        return create(false);
    }

    /**
     * @param keepRunDirs leave each run's directory behind (for debugging) instead of deleting it
     */
    public static Sandbox create(boolean keepRunDirs) {
        Path bwrap = HostTools.require("bwrap", "bubblewrap");
        HostTools.require("perl", "perl-base");
        Path time = HostTools.find("/usr/bin/time").orElse(null);
        Path setpriv = HostTools.isRoot() ? HostTools.require("setpriv", "util-linux") : null;
        Path setsid = HostTools.require("setsid", "util-linux");
        HostView.warmUp();
        try {
            Path base = Path.of(System.getProperty("java.io.tmpdir"));
            removeStaleWorkDirs(base);
            Path work = Files.createTempDirectory(base, "shimscope-");
            if (!keepRunDirs) {
                // kept directories have no owner file, so that no later shimscope removes them as stale
                Files.writeString(work.resolve(OWNER_FILE), Long.toString(ProcessHandle.current().pid()));
            }
            // workers that drop to nobody (nginx, memcached) must be able to traverse to their files
            Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxr-xr-x"));
            Sandbox s = new Sandbox(bwrap, time, setpriv, setsid, work, keepRunDirs);
            startReaper(work);
            if (!keepRunDirs) {
                WORK_DIRS.add(work);
            }
            return s;
        } catch (IOException e) {
            throw new SandboxException("cannot create a work directory in " + System.getProperty("java.io.tmpdir")
                    + ": " + e.getMessage(), e);
        }
    }

    private static final String OWNER_FILE = "owner.pid";

    /**
     * Deletes work directories left by shimscope processes that no longer exist (killed with
     * SIGKILL, so their shutdown hook could not clean up). Directories of live owners are kept.
     */
    static void removeStaleWorkDirs(Path base) {
        try (var dirs = Files.newDirectoryStream(base, "shimscope-*")) {
            for (Path d : dirs) {
                Path owner = d.resolve(OWNER_FILE);
                if (!Files.isRegularFile(owner)) {
                    continue;
                }
                try {
                    long pid = Long.parseLong(Files.readString(owner).trim());
                    if (ProcessHandle.of(pid).isEmpty()) {
                        deleteWorkDir(d);
                    }
                } catch (IOException | NumberFormatException e) {
                    // not ours to judge
                }
            }
        } catch (IOException e) {
            // an unreadable temp directory only means nothing gets cleaned
        }
    }

    /**
     * The work directories of shimscope processes that are gone: kept ones ({@code --keep}) and
     * those a killed process left. Directories of live processes are never among them.
     */
    public static List<Path> leftoverWorkDirs() {
        Path base = Path.of(System.getProperty("java.io.tmpdir"));
        List<Path> out = new ArrayList<>();
        try (var dirs = Files.newDirectoryStream(base, "shimscope-*")) {
            for (Path d : dirs) {
                if (!Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS) || !Files.exists(d.resolve("hardening.bpf"))) {
                    continue; // not a work directory of ours
                }
                Path owner = d.resolve(OWNER_FILE);
                try {
                    if (Files.isRegularFile(owner)
                            && ProcessHandle.of(Long.parseLong(Files.readString(owner).trim())).isPresent()) {
                        continue; // a live exploration's
                    }
                } catch (IOException | NumberFormatException e) {
                    // unreadable owner: treat as left over
                }
                out.add(d);
            }
        } catch (IOException e) {
            // nothing to list
        }
        return out;
    }

    /** Deletes a left-over work directory (see {@link #leftoverWorkDirs}). */
    public static void deleteLeftover(Path dir) {
        deleteWorkDir(dir);
    }

    /** True when runs keep real root's uid with a reduced capability set (else a user namespace). */
    public boolean runsAsRoot() {
        return root;
    }

    /** Starts a run and waits for it to end (or time out). Close the returned run to delete its files. */
    public Run run(RunSpec spec) throws InterruptedException {
        if (shuttingDown) {
            // no new run once the tool is stopping: its directory would outlive the cleanup
            throw new InterruptedException("the tool is shutting down");
        }
        Run run = prepare(spec);
        run.execute();
        return run;
    }

    private Run prepare(RunSpec spec) {
        long id = runCounter.incrementAndGet();
        try {
            Path dir = workRoot.resolve("run-" + id);
            Path scratch = dir.resolve("scratch");
            Path control = dir.resolve("control");
            Path out = dir.resolve("out");
            for (Path p : List.of(dir, scratch, control, out)) {
                Files.createDirectories(p);
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            Path loaderFile = control.resolve("seccomp-exec");
            Files.write(loaderFile, loader);
            // bwrap execs the loader directly (RunSpec.FilterScope.COMMAND), so it must be executable
            Files.setPosixFilePermissions(loaderFile, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.createDirectories(control.resolve("out")); // mount point of OUT_DIR (the control dir is read-only)
            for (Map.Entry<String, String> f : spec.controlFiles().entrySet()) {
                Path target = control.resolve(f.getKey()).normalize();
                if (!target.startsWith(control)) {
                    throw new IllegalArgumentException("control file outside the control directory: " + f.getKey());
                }
                Files.createDirectories(target.getParent());
                Files.writeString(target, f.getValue());
                target.toFile().setExecutable(true, false);
            }
            if (spec.filter() != null) {
                Files.write(control.resolve("filter.bpf"), spec.filter().compile());
            }
            Path group = null;
            if (cgroups.isPresent()) {
                try {
                    group = cgroups.get().newGroup(id);
                    Files.createFile(control.resolve(CPU_PRESSURE_NAME)); // mount point of the group's pressure file
                } catch (IOException e) {
                    group = null; // measured runs are a bonus: run without
                }
            }
            return new Run(this, spec, dir, scratch, control, out, group);
        } catch (IOException e) {
            throw new SandboxException("cannot prepare a run directory in " + workRoot + ": " + e.getMessage(), e);
        }
    }

    /**
     * The bwrap command line for a prepared run (without the fd redirections: the hardening filter
     * is read from fd 3, bwrap's info with the namespace init's pid is written to fd 4).
     */
    List<String> bwrapArgs(Run run) throws IOException {
        RunSpec spec = run.spec();
        List<String> a = new ArrayList<>();
        a.add(bwrap.toString());
        a.addAll(List.of("--die-with-parent", "--new-session", "--info-fd", "4",
                "--unshare-net", "--unshare-pid", "--unshare-uts", "--unshare-ipc", "--unshare-cgroup-try",
                "--hostname", HOSTNAME));
        // the installed system read-only, private entries covered; nothing else of the host (HostView)
        List<HostView.Tree> deeper = new ArrayList<>();
        for (HostView.Tree t : HostView.system()) {
            if (t.symlinkTarget() != null) {
                a.addAll(List.of("--symlink", t.symlinkTarget(), t.path().toString()));
            } else if (t.path().getNameCount() > 1) {
                deeper.add(t); // bound once its parent (/var) exists
            } else {
                a.addAll(List.of("--ro-bind", t.path().toString(), t.path().toString()));
                addMasks(a, t.masks());
            }
        }
        a.addAll(List.of("--ro-bind", "/sys", "/sys",
                "--dev", "/dev", "--proc", "/proc",
                // bwrap means to cover /proc/sys read-only but skips it: its access(W_OK) probe gets
                // EACCES from the sysctl root directory, while the files below stay writable for root
                "--ro-bind", "/proc/sys", "/proc/sys", "--ro-bind-try", "/proc/sysrq-trigger", "/proc/sysrq-trigger",
                "--tmpfs", "/tmp", "--tmpfs", "/run",
                "--tmpfs", "/var", "--dir", "/var/tmp", "--dir", "/var/lib", "--dir", "/var/cache", "--dir", "/var/log",
                "--symlink", "../run", "/var/run", "--symlink", "../run/lock", "/var/lock",
                // homes exist and are empty: programs take theirs from /etc/passwd, not from $HOME
                "--perms", "0700", "--tmpfs", "/root", "--tmpfs", "/home"));
        for (HostView.Tree t : deeper) {
            a.addAll(List.of("--ro-bind", t.path().toString(), t.path().toString()));
            addMasks(a, t.masks());
        }
        if (!home.equals("/root") && home.startsWith("/home/")) {
            a.addAll(List.of("--dir", home));
        }
        if (root) {
            a.addAll(List.of("--cap-drop", "ALL"));
            for (String cap : KEPT_CAPABILITIES) {
                a.addAll(List.of("--cap-add", cap));
            }
        } else {
            a.add("--unshare-user");
        }
        for (Path p : spec.readOnly()) {
            Path abs = p.toAbsolutePath().normalize();
            if (!Files.exists(abs)) {
                throw new SandboxException("read-only path does not exist: " + abs);
            }
            a.addAll(List.of("--ro-bind", abs.toString(), abs.toString()));
            if (Files.isDirectory(abs)) {
                addMasks(a, HostView.masksFor(abs));
            }
        }
        for (Path h : hidden) {
            if (Files.isDirectory(h)) {
                a.addAll(List.of("--ro-bind", emptyDir.toString(), h.toString()));
            }
        }
        a.addAll(List.of("--bind", run.scratch().toString(), run.scratch().toString()));
        int copy = 0;
        for (Path p : spec.writable()) {
            Path abs = p.toAbsolutePath().normalize();
            if (!Files.exists(abs, LinkOption.NOFOLLOW_LINKS)) {
                throw new SandboxException("writable path does not exist: " + abs);
            }
            Path fresh = run.dir().resolve("writable-" + (copy++));
            copyTree(abs, fresh);
            a.addAll(List.of("--bind", fresh.toString(), abs.toString()));
        }
        for (Map.Entry<Path, Path> r : spec.replacements().entrySet()) {
            Path target;
            try {
                target = r.getKey().toRealPath();
            } catch (IOException e) {
                throw new SandboxException("cannot replace " + r.getKey() + ": no such file");
            }
            a.addAll(List.of("--ro-bind", r.getValue().toAbsolutePath().toString(), target.toString()));
        }
        a.addAll(List.of("--ro-bind", run.control().toString(), CONTROL_DIR));
        if (run.cgroup() != null) {
            // the supervisor takes the run's CPU starvation off its time limits (RunCgroups)
            a.addAll(List.of("--ro-bind", run.cgroup().resolve("cpu.pressure").toString(), CPU_PRESSURE));
        }
        a.addAll(List.of("--bind", run.out().toString(), OUT_DIR));
        List<String> command = new ArrayList<>(spec.command());
        if (spec.filter() != null) {
            switch (spec.filterScope()) {
                case COMMAND -> {
                    List<String> loaded = new ArrayList<>(List.of(LOADER, FILTER, command.getFirst()));
                    loaded.addAll(command);
                    command = loaded;
                }
                case ONLY_BINARY -> addOnlyBinary(a, run, spec.onlyBinary());
                case CALLER -> { }
            }
        }
        Path workDir = spec.workDir() != null ? spec.workDir() : run.scratch();
        a.addAll(List.of("--chdir", workDir.toString()));
        a.add("--clearenv");
        setenv(a, "PATH", SANDBOX_PATH);
        setenv(a, "HOME", home);
        setenv(a, "TMPDIR", "/tmp");
        setenv(a, "LANG", "C.UTF-8");
        setenv(a, "SCRATCH", run.scratch().toString());
        setenv(a, "SHIMSCOPE_OUT", OUT_DIR);
        spec.env().forEach((k, v) -> setenv(a, k, v));
        // the root itself (bwrap's tmpfs holding the mount points) read-only, last
        a.addAll(List.of("--remount-ro", "/"));
        a.addAll(List.of("--seccomp", "3", "--"));
        if (root) {
            // bwrap as root drops capabilities but leaves the bounding set full (it empties it only
            // with --unshare-user); NO_NEW_PRIVS already keeps exec from raising capabilities, an
            // empty bounding set makes that hold on its own
            a.addAll(List.of(setpriv.toString(), "--bounding-set=-all," + String.join(",",
                    KEPT_CAPABILITIES.stream().map(c -> "+" + c.substring("CAP_".length()).toLowerCase(java.util.Locale.ROOT))
                            .toList()), "--"));
        }
        if (time != null) {
            a.addAll(List.of(time.toString(), "-o", OUT_DIR + "/.rusage", "-f", "%M"));
        }
        a.addAll(command);
        return a;
    }

    /**
     * Mounts a generated wrapper over the binary (resolved through symlinks, so every name of it is
     * covered) and the real file under {@link #REAL_DIR}; the wrapper loads the filter and execs it.
     */
    private void addOnlyBinary(List<String> a, Run run, Path binary) throws IOException {
        Path real;
        try {
            real = binary.toRealPath();
        } catch (IOException e) {
            throw new SandboxException("binary to filter does not exist: " + binary);
        }
        String realInside = REAL_DIR + "/" + real.getFileName();
        String wrapper = "#!/usr/bin/perl\n"
                + "@ARGV = ('" + FILTER + "', '" + realInside + "', $0, @ARGV);\n"
                + new String(loader, StandardCharsets.UTF_8);
        Path mountPoint = run.control().resolve("real").resolve(real.getFileName().toString());
        Files.createDirectories(mountPoint.getParent());
        Files.createFile(mountPoint);
        Path wrapperFile = run.dir().resolve("only-wrapper");
        Files.writeString(wrapperFile, wrapper);
        Files.setPosixFilePermissions(wrapperFile, PosixFilePermissions.fromString("rwxr-xr-x"));
        a.addAll(List.of("--ro-bind", real.toString(), realInside));
        a.addAll(List.of("--ro-bind", wrapperFile.toString(), real.toString()));
    }

    /** Covers each private entry with an empty file or directory. */
    private void addMasks(List<String> a, List<HostView.Mask> masks) {
        for (HostView.Mask m : masks) {
            if (!Files.exists(m.path(), LinkOption.NOFOLLOW_LINKS)) {
                continue; // gone since the scan: nothing to cover (bwrap cannot make a mount point in a read-only tree)
            }
            a.addAll(List.of("--ro-bind", (m.directory() ? emptyDir : emptyFile).toString(), m.path().toString()));
        }
    }

    /**
     * Hides a host directory from every later run even where a bound tree would show it (the
     * results store inside a spec's directory, say): runs see an empty directory there.
     */
    public void hide(Path dir) {
        hidden.add(dir.toAbsolutePath().normalize());
    }

    /**
     * CPU time (µs) all runs of this sandbox have used so far, for a scheduler that tells our own
     * load from the machine's; null where runs have no cgroup.
     */
    public java.util.function.LongSupplier cpuMicrosOfRuns() {
        return cgroups.<java.util.function.LongSupplier>map(g -> g::cpuMicros).orElse(null);
    }

    /** An empty read-only file, to put in a run in place of another (a pseudo-file shown empty). */
    public Path emptyFile() {
        return emptyFile;
    }

    /** The home directory inside runs: root's, else the caller's passwd home (both fresh and empty). */
    public String home() {
        return home;
    }

    private static void setenv(List<String> a, String k, String v) {
        a.addAll(List.of("--setenv", k, v));
    }

    Process start(Run run) throws IOException {
        List<String> argv = new ArrayList<>();
        // ProcessBuilder cannot pass extra descriptors; the shell opens the filter on fd 3, the info
        // file on fd 4, and execs bwrap in a session of its own: Ctrl-C at the terminal then reaches
        // the JVM only, whose shutdown hook ends the runs in order, and not bwrap in the middle of
        // building a namespace (whose init would then be left without a parent to die with)
        // the shell joins the run's cgroup first (when it has one): bwrap and all it starts inherit it
        argv.addAll(List.of("/bin/sh", "-c", "info=$1; setsid=$2; cg=$3; shift 3;"
                        + " [ -z \"$cg\" ] || echo $$ > \"$cg/cgroup.procs\" || exit 125;"
                        + " exec \"$setsid\" \"$@\" 3<\"$0\" 4>\"$info\"",
                hardeningFilter.toString(), run.dir().resolve(INFO_FILE).toString(), setsid.toString(),
                run.cgroup() == null ? "" : run.cgroup().toString()));
        argv.addAll(bwrapArgs(run));
        ProcessBuilder pb = new ProcessBuilder(argv);
        // bwrap's init is pid 1 of the run and keeps the environment bwrap was started with
        // (readable in /proc/1/environ): give it nothing of the caller's
        pb.environment().clear();
        pb.environment().put("PATH", SANDBOX_PATH);
        pb
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(run.dir().resolve("stdout").toFile())
                .redirectError(run.dir().resolve("stderr").toFile());
        Future<Process> started = SPAWNER.submit(pb::start);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    // the spawner starts the process even if we stop waiting: take it, so that it
                    // is tracked and the caller's interrupt ends it (in Run) instead of leaking it
                    Process p = started.get();
                    LIVE.add(p);
                    return p;
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new SandboxException("cannot start bwrap: " + e.getCause(), e.getCause());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static final Pattern CHILD_PID = Pattern.compile("\"child-pid\"\\s*:\\s*(\\d+)");

    /**
     * Waits until the run's pid namespace is gone. bwrap returns as soon as the command's exit
     * status is known, and only then does --die-with-parent's signal reach the namespace's init,
     * which ends what is left (daemons, a server the command started); the kernel has ended all of
     * them once init is a zombie or reaped. The info file written by bwrap names init's pid.
     */
    static void awaitNamespaceEnd(Path infoFile) throws InterruptedException {
        long pid;
        try {
            Matcher m = CHILD_PID.matcher(Files.readString(infoFile));
            if (!m.find()) {
                return; // bwrap failed before it created the namespace
            }
            pid = Long.parseLong(m.group(1));
        } catch (IOException e) {
            return;
        }
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            String state;
            try {
                String text = Files.readString(stat);
                int paren = text.lastIndexOf(')');
                state = text.substring(paren + 2, paren + 3);
            } catch (IOException | IndexOutOfBoundsException e) {
                return; // reaped
            }
            if (state.equals("Z") || state.equals("X")) {
                return;
            }
            Thread.sleep(2);
        }
    }

    static void finished(Process p) {
        LIVE.remove(p);
    }

    /**
     * Kills a run and returns when all its processes are gone. Killing bwrap itself would return
     * at once while --die-with-parent's signal still travels to the namespace's init and from
     * there to the rest; so init (bwrap's child) is killed first: the kernel ends every other
     * process of the pid namespace before init's exit completes, bwrap waits for that, then exits.
     */
    static void kill(Process bwrapProcess) throws InterruptedException {
        // right after the start bwrap may not have created the namespace yet; killing bwrap then
        // could let its child miss --die-with-parent (it sets that up only after the clone), and
        // the child would stay behind as an orphan: wait for the child, briefly
        List<ProcessHandle> inits = bwrapProcess.toHandle().children().toList();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (inits.isEmpty() && bwrapProcess.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(5);
            inits = bwrapProcess.toHandle().children().toList();
        }
        inits.forEach(ProcessHandle::destroyForcibly);
        if (inits.isEmpty() || !bwrapProcess.waitFor(10, TimeUnit.SECONDS)) { // no namespace at all, or stuck
            bwrapProcess.destroyForcibly();
            bwrapProcess.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** Kills every run still going (shutdown hook; also for callers that abort). */
    public static void killAll() {
        for (Process p : LIVE) {
            p.toHandle().children().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        for (Process p : LIVE) {
            try {
                p.waitFor(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Number of runs currently alive (for tests and progress). */
    public static int liveRuns() {
        return (int) LIVE.stream().filter(Process::isAlive).count();
    }

    private static final Pattern EXITED = Pattern.compile("Command exited with non-zero status (\\d{1,9})");
    private static final Pattern SIGNALED = Pattern.compile("Command terminated by signal (\\d{1,9})");

    /** Reads exit status, signal and peak RSS that GNU time wrote; null when unknown. */
    static long[] readRusage(Path file) throws RunOutput.UntrustedOutputException {
        long exit = 0;
        long signal = 0;
        long rss = -1;
        java.util.Optional<String> text = RunOutput.read(file, RunOutput.SMALL, false);
        if (text.isEmpty()) {
            return null;
        }
        for (String line : text.get().split("\n")) {
            Matcher m;
            if ((m = EXITED.matcher(line)).find()) {
                exit = Long.parseLong(m.group(1));
            } else if ((m = SIGNALED.matcher(line)).find()) {
                signal = Long.parseLong(m.group(1));
            } else if (line.matches("\\d{1,18}")) {
                rss = Long.parseLong(line);
            }
        }
        return rss < 0 && exit == 0 && signal == 0 ? null : new long[] {exit, signal, rss};
    }

    boolean keepRunDirs() {
        return keepRunDirs;
    }

    /** The directory that holds this sandbox's run directories ({@code run-N}). */
    public Path workRoot() {
        return workRoot;
    }

    static String tail(Path file) {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long len = f.length();
            long from = Math.max(0, len - TAIL_BYTES);
            byte[] buf = new byte[(int) (len - from)];
            f.seek(from);
            f.readFully(buf);
            String s = new String(buf, StandardCharsets.UTF_8);
            if (from > 0) {
                int nl = s.indexOf('\n');
                s = nl >= 0 ? s.substring(nl + 1) : s;
            }
            return s;
        } catch (IOException e) {
            return "";
        }
    }

    static void copyTree(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) {
            Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
            return;
        }
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Files.copy(dir, to.resolve(from.relativize(dir).toString()), StandardCopyOption.COPY_ATTRIBUTES);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.COPY_ATTRIBUTES,
                        LinkOption.NOFOLLOW_LINKS);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Deletes a directory tree, ignoring what is already gone. */
    public static void deleteTree(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) {
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // best effort: a leftover temp directory is not worth failing a result for
        }
    }

    /** Convenience for callers and tests: the timeout as a Duration. */
    static Duration elapsed(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }
}
