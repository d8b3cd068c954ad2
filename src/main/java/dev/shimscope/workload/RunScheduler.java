package dev.shimscope.workload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;

/**
 * Runs workload runs at most K at a time: the one place where explore and emulate run things in
 * parallel. K adapts to the CPU the machine has to give: every second the scheduler measures how
 * many CPUs other work used (the machine's busy time from {@code /proc/stat}, minus what this
 * process and its runs used, which their cgroup tells) and lets {@code K * free / CPUs} runs start
 * (at least one), smoothed over a few seconds. So a machine busy with other work (another
 * exploration, a build, a CPU hog) gets fewer runs from us, and several explorations on one machine
 * share it instead of starving each other, while our own runs never make us back off. Without a
 * measure of our own CPU time (no cgroup) K stays fixed.
 *
 * <p>{@link #invokeAll} returns results in task order; the first task that throws cancels the
 * others (running ones are interrupted, which kills their sandboxes): an unexpected error must not
 * be followed by a hundred more runs. {@link #alone} runs a task with the machine to itself: it
 * waits until no other run of this scheduler is active and keeps new ones from starting meanwhile.
 */
public final class RunScheduler implements AutoCloseable {

    private static final Path STAT = Path.of("/proc/stat");
    private static final long SAMPLE_MILLIS = 1000;
    /** Weight of a new sample in the smoothed share of CPUs that others use. */
    private static final double SMOOTHING = 0.4;

    private final int maxJobs;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final Thread monitor;
    private final boolean adaptive;
    private final LongSupplier ownCpuMicros;
    private volatile IntConsumer onChange = k -> { };
    private int limit;
    private int active;
    private boolean exclusive;
    private int exclusiveWaiting;
    private long limitSum;
    private long samples;
    private double othersShare;

    /**
     * @param maxJobs      most runs at a time
     * @param ownCpuMicros CPU time (µs) used so far by this process's runs (null: unknown, K stays fixed)
     */
    public RunScheduler(int maxJobs, LongSupplier ownCpuMicros) {
        if (maxJobs < 1) {
            throw new IllegalArgumentException("at least one run at a time");
        }
        this.maxJobs = maxJobs;
        this.limit = maxJobs;
        this.ownCpuMicros = ownCpuMicros;
        this.adaptive = ownCpuMicros != null && Files.isReadable(STAT);
        this.monitor = this.adaptive ? Thread.ofVirtual().name("shimscope-load").start(this::watchLoad) : null;
    }

    /** A scheduler with a fixed K. */
    public RunScheduler(int maxJobs) {
        this(maxJobs, null);
    }

    /** Tells {@code listener} each new concurrency limit (for progress output). */
    public void onConcurrencyChange(IntConsumer listener) {
        this.onChange = listener;
    }

    public int maxJobs() {
        return maxJobs;
    }

    /** The number of runs allowed at once right now. */
    public int currentLimit() {
        lock.lock();
        try {
            return limit;
        } finally {
            lock.unlock();
        }
    }

    /** The mean concurrency limit over the scheduler's life so far (what the machine allowed). */
    public double meanLimit() {
        lock.lock();
        try {
            return samples == 0 ? limit : (double) limitSum / samples;
        } finally {
            lock.unlock();
        }
    }

    /** Runs the tasks, at most the current limit at a time, and returns their results in order. */
    public <T> List<T> invokeAll(List<Callable<T>> tasks) throws InterruptedException {
        return invokeAll(tasks, Integer.MAX_VALUE);
    }

    /**
     * Runs the tasks, at most {@code atMost} (and the current limit) at a time, and returns their
     * results in order.
     */
    public <T> List<T> invokeAll(List<Callable<T>> tasks, int atMost) throws InterruptedException {
        if (atMost < 1) {
            throw new IllegalArgumentException("at least one run at a time");
        }
        Semaphore cap = new Semaphore(atMost);
        List<Future<T>> futures = new ArrayList<>();
        for (Callable<T> t : tasks) {
            futures.add(threads.submit(() -> {
                cap.acquire();
                try {
                    acquire(false);
                    try {
                        return t.call();
                    } finally {
                        release(false);
                    }
                } finally {
                    cap.release();
                }
            }));
        }
        List<T> out = new ArrayList<>();
        try {
            for (Future<T> f : futures) {
                out.add(get(f));
            }
        } catch (InterruptedException | RuntimeException e) {
            futures.forEach(f -> f.cancel(true));
            throw e;
        }
        return out;
    }

    /** Runs one task with no other run of this scheduler at the same time. */
    public <T> T alone(Callable<T> task) throws InterruptedException {
        Future<T> f = threads.submit(() -> {
            acquire(true);
            try {
                return task.call();
            } finally {
                release(true);
            }
        });
        try {
            return get(f);
        } catch (InterruptedException | RuntimeException e) {
            f.cancel(true);
            throw e;
        }
    }

    private static <T> T get(Future<T> f) throws InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) {
                throw re;
            }
            if (c instanceof InterruptedException ie) {
                throw ie;
            }
            if (c instanceof Error err) {
                throw err;
            }
            if (c instanceof IOException io) {
                throw new java.io.UncheckedIOException(io);
            }
            throw new IllegalStateException(c);
        }
    }

    private void acquire(boolean alone) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            if (alone) {
                exclusiveWaiting++;
                try {
                    while (active > 0 || exclusive) {
                        changed.await();
                    }
                } finally {
                    exclusiveWaiting--;
                }
                exclusive = true;
            } else {
                // a run waiting to be alone goes first: no new run starts until it had its turn
                while (exclusive || exclusiveWaiting > 0 || active >= limit) {
                    changed.await();
                }
            }
            active++;
        } finally {
            lock.unlock();
        }
    }

    private void release(boolean alone) {
        lock.lock();
        try {
            active--;
            if (alone) {
                exclusive = false;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void watchLoad() {
        int cpus = Runtime.getRuntime().availableProcessors();
        long[] last = sample();
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(SAMPLE_MILLIS);
                long[] now = sample();
                if (last == null || now == null) {
                    last = now;
                    continue;
                }
                double wallMicros = (now[2] - last[2]) / 1000.0;
                double busyCpus = (now[0] - last[0]) / wallMicros;
                double ownCpus = (now[1] - last[1]) / wallMicros;
                last = now;
                adjust(Math.max(0, Math.min(1, (busyCpus - ownCpus) / cpus)));
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    /** One step after a sample: {@code others} is the share of the machine's CPUs other work used (0..1). */
    void adjust(double others) {
        int before;
        int after;
        lock.lock();
        try {
            othersShare = samples == 0 ? others : SMOOTHING * others + (1 - SMOOTHING) * othersShare;
            before = limit;
            limit = Math.max(1, Math.min(maxJobs, (int) Math.round(maxJobs * (1 - othersShare))));
            after = limit;
            limitSum += limit;
            samples++;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (after != before) {
            onChange.accept(after);
        }
    }

    /** {machine busy µs, our runs' and this process's CPU µs, nanoTime}, or null. */
    private long[] sample() {
        try {
            String[] f = Files.readAllLines(STAT).getFirst().trim().split("\\s+");
            // cpu user nice system idle iowait irq softirq steal ...
            long ticks = 0;
            for (int i : new int[] {1, 2, 3, 6, 7, 8}) {
                ticks += Long.parseLong(f[i]);
            }
            long busy = ticks * 1_000_000 / CLOCK_TICKS;
            long own = ownCpuMicros.getAsLong();
            if (own < 0) {
                return null;
            }
            long jvm = java.lang.management.ManagementFactory.getPlatformMXBean(
                    com.sun.management.OperatingSystemMXBean.class).getProcessCpuTime() / 1000;
            return new long[] {busy, own + jvm, System.nanoTime()};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** USER_HZ, the unit of /proc/stat: 100 on every Linux architecture shimscope runs on. */
    private static final long CLOCK_TICKS = 100;

    @Override
    public void close() {
        if (monitor != null) {
            monitor.interrupt();
        }
        threads.shutdownNow();
        try {
            threads.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** True when this scheduler follows the machine's CPU pressure. */
    public boolean adaptive() {
        return adaptive;
    }
}
