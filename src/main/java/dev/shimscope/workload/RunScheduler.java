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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;

/**
 * Runs workload runs at most K at a time: the one place where explore and emulate run things in
 * parallel. K adapts to the CPU the machine has to give: every half second the scheduler reads
 * how much of the time some task on the machine waited for a CPU (the kernel's CPU pressure,
 * {@code /proc/pressure/cpu}); above {@link #HIGH_PRESSURE} it lets one run fewer start, below
 * {@link #LOW_PRESSURE} one more, never more than the K it was given. So a machine busy with
 * other work (another exploration, a build) gets fewer runs from us, and several explorations on
 * one machine share it instead of starving each other. Where the kernel has no pressure file, K
 * stays fixed.
 *
 * <p>{@link #invokeAll} returns results in task order; the first task that throws cancels the
 * others (running ones are interrupted, which kills their sandboxes): an unexpected error must not
 * be followed by a hundred more runs. {@link #alone} runs a task with the machine to itself: it
 * waits until no other run of this scheduler is active and keeps new ones from starting meanwhile.
 */
public final class RunScheduler implements AutoCloseable {

    /** Share of time with a task waiting for a CPU above which fewer runs start. */
    public static final double HIGH_PRESSURE = 0.60;
    /** Share below which one more run may start again. */
    public static final double LOW_PRESSURE = 0.30;
    private static final Path PRESSURE = Path.of("/proc/pressure/cpu");
    private static final long SAMPLE_MILLIS = 500;

    private final int maxJobs;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final Thread monitor;
    private final boolean adaptive;
    private volatile IntConsumer onChange = k -> { };
    private int limit;
    private int active;
    private boolean exclusive;
    private int exclusiveWaiting;
    private long limitSum;
    private long samples;

    /**
     * @param maxJobs  most runs at a time
     * @param adaptive follow the machine's CPU pressure (false: always {@code maxJobs})
     */
    public RunScheduler(int maxJobs, boolean adaptive) {
        if (maxJobs < 1) {
            throw new IllegalArgumentException("at least one run at a time");
        }
        this.maxJobs = maxJobs;
        this.limit = maxJobs;
        this.adaptive = adaptive && Files.isReadable(PRESSURE);
        this.monitor = this.adaptive ? Thread.ofVirtual().name("shimscope-load").start(this::watchPressure) : null;
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
        List<Future<T>> futures = new ArrayList<>();
        for (Callable<T> t : tasks) {
            futures.add(threads.submit(() -> {
                acquire(false);
                try {
                    return t.call();
                } finally {
                    release(false);
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

    private void watchPressure() {
        long[] last = readPressure();
        try {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.sleep(SAMPLE_MILLIS);
                long[] now = readPressure();
                if (last == null || now == null) {
                    last = now;
                    continue;
                }
                double share = (now[0] - last[0]) / 1000.0 / Math.max(1, now[1] - last[1]);
                last = now;
                adjust(share);
            }
        } catch (InterruptedException e) {
            // closed
        }
    }

    /** One step of the limit after a sample of the machine's CPU pressure (a share of time, 0..1). */
    void adjust(double share) {
        int before;
        int after;
        lock.lock();
        try {
            before = limit;
            if (share > HIGH_PRESSURE && limit > 1) {
                limit--;
            } else if (share < LOW_PRESSURE && limit < maxJobs) {
                limit++;
            }
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

    /** {total stall µs of "some", wall clock ms}, or null. */
    private static long[] readPressure() {
        try {
            String some = Files.readAllLines(PRESSURE).getFirst();
            int i = some.indexOf("total=");
            return new long[] {Long.parseLong(some.substring(i + 6).strip()), System.nanoTime() / 1_000_000};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

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
