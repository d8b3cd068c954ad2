package dev.shimscope.campaign;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Runs tasks of a campaign's script on this machine, {@code atOnce} at a time, each as
 * {@code bash SCRIPT N} in a process of its own (the same lines a Slurm task runs). Each
 * exploration adapts its own concurrency to the CPU the others leave, so several share the
 * machine. When this JVM is stopped (Ctrl-C, SIGTERM), the running tasks get SIGTERM, which their
 * script passes to explore, and are waited for: their journals are kept and the next run of the
 * campaign resumes them.
 */
final class LocalTasks {

    /** How long a stopping campaign waits for its explorations to record their journals and end. */
    private static final long STOP_WAIT_SECONDS = 60;

    private final Path script;
    private final int atOnce;
    private final CampaignListener listener;
    private final Set<Process> running = ConcurrentHashMap.newKeySet();
    /** Set once the JVM stops: no task starts after that (it would outlive the campaign). */
    private boolean stopping;

    LocalTasks(Path script, int atOnce, CampaignListener listener) {
        this.script = script;
        this.atOnce = atOnce;
        this.listener = listener;
    }

    /** Runs every task and returns when all have ended. */
    void run(List<Task> tasks) throws InterruptedException, IOException {
        if (tasks.isEmpty()) {
            return;
        }
        Thread stopper = new Thread(this::stopAll, "campaign-stop");
        Runtime.getRuntime().addShutdownHook(stopper);
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(atOnce, tasks.size()));
        try {
            List<Future<Void>> futures = new ArrayList<>();
            for (Task t : tasks) {
                futures.add(pool.submit(() -> {
                    runOne(t);
                    return null;
                }));
            }
            for (Future<Void> f : futures) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (e.getCause() instanceof IOException io) {
                        throw io;
                    }
                    throw new IllegalStateException(e.getCause());
                }
            }
        } finally {
            pool.shutdownNow();
            dev.shimscope.io.ShutdownHooks.remove(stopper);
        }
    }

    private void runOne(Task t) throws IOException, InterruptedException {
        Process p;
        long t0;
        // started and registered under the lock that stopAll takes: a task is either stopped or never started
        synchronized (this) {
            if (stopping) {
                return;
            }
            Files.createDirectories(t.dir().dir());
            t.dir().clearState();
            listener.on(new CampaignEvent.TaskStarted(t.label(), t.dir()));
            t0 = System.nanoTime();
            p = new ProcessBuilder("bash", script.toString(), Integer.toString(t.number()))
                    .redirectErrorStream(true)
                    .redirectOutput(t.dir().scriptOutput().toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
            running.add(p);
        }
        try {
            p.waitFor();
        } finally {
            running.remove(p);
        }
        listener.on(new CampaignEvent.TaskEnded(t.label(), t.dir(), t.dir().state(),
                java.time.Duration.ofNanos(System.nanoTime() - t0)));
    }

    /** SIGTERM to every running task script (which passes it to its explore), then waits for them. */
    private void stopAll() {
        List<Process> now;
        synchronized (this) {
            stopping = true;
            now = new ArrayList<>(running);
        }
        now.forEach(Process::destroy);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(STOP_WAIT_SECONDS);
        for (Process p : now) {
            try {
                p.waitFor(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
