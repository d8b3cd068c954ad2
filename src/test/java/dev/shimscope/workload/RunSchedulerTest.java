package dev.shimscope.workload;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The scheduler's limits hold: at most K runs at once, at most a call's own cap, results in order. */
class RunSchedulerTest {

    /** Tasks that sleep a little and record how many of them ran at the same time. */
    private static List<Callable<Integer>> tasks(int n, AtomicInteger active, AtomicInteger most) {
        List<Callable<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int id = i;
            tasks.add(() -> {
                most.accumulateAndGet(active.incrementAndGet(), Math::max);
                try {
                    Thread.sleep(100);
                } finally {
                    active.decrementAndGet();
                }
                return id;
            });
        }
        return tasks;
    }

    @Test
    void aCallsOwnCapBoundsItsRunsBelowTheSchedulersLimit() throws Exception {
        try (RunScheduler s = new RunScheduler(6)) {
            AtomicInteger active = new AtomicInteger();
            AtomicInteger most = new AtomicInteger();
            assertThat(s.invokeAll(tasks(12, active, most), 2)).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
            assertThat(most.get()).isEqualTo(2);
            most.set(0);
            s.invokeAll(tasks(12, active, most));
            assertThat(most.get()).isEqualTo(6);
        }
    }

    @Test
    void theSchedulersLimitBoundsALargerCap() throws Exception {
        try (RunScheduler s = new RunScheduler(3)) {
            AtomicInteger active = new AtomicInteger();
            AtomicInteger most = new AtomicInteger();
            s.invokeAll(tasks(9, active, most), 8);
            assertThat(most.get()).isEqualTo(3);
        }
    }
}
