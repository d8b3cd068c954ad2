package dev.shimscope.model;

/**
 * What the application's own processes used in one run, measured by the run's supervisor at no
 * extra run: the highest sum of their peak resident sets ({@code VmHWM}, KiB) and the highest
 * number of descriptors they held open at once, both sampled every 100 ms and at the end of the
 * test (the server's process tree for a benchmark, the suite command's for a suite, the
 * {@code only} binary's processes where the spec names one; -1 when nothing could be sampled),
 * and the workload's own figure read from the test's output by the spec's {@code metric} (null
 * when the spec declares none or the output did not show it).
 */
public record RunMeasures(long memoryKb, int openFds, Double metric) {

    /** True when at least one of the measures is known. */
    public boolean any() {
        return memoryKb >= 0 || openFds >= 0 || metric != null;
    }
}
