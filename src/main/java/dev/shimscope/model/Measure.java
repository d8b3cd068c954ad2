package dev.shimscope.model;

/**
 * What a run is compared on with the baseline: its effective time (wall time less the time none of
 * its processes could get a CPU), the CPU time of all its processes, the application's peak memory
 * and open descriptors ({@link RunMeasures}), and the spec's own metric (requests per second ...).
 * Each is positive where it is known; {@link #of} gives NaN where a run did not measure it.
 */
public enum Measure {
    TIME("time", "ms", 1),
    CPU("cpu", "ms", 1),
    MEMORY("memory", "KiB", 4),
    FDS("fds", "descriptors", 1),
    METRIC("metric", "", 0);

    private final String id;
    private final String unit;
    private final double resolution;

    Measure(String id, String unit, double resolution) {
        this.id = id;
        this.unit = unit;
        this.resolution = resolution;
    }

    @com.fasterxml.jackson.annotation.JsonValue
    public String id() {
        return id;
    }

    /** The unit of the values ("" for the spec's metric, whose unit its name says). */
    public String unit() {
        return unit;
    }

    /** The smallest step a value can change by (0 where unknown): two runs cannot agree better than that. */
    public double resolution() {
        return resolution;
    }

    /** The run's value, NaN if the run did not measure it (or it is not positive). */
    public double of(RunRecord r) {
        double v = switch (this) {
            case TIME -> r.effectiveMillis();
            case CPU -> r.cpuMillis();
            case MEMORY -> r.measures() == null ? -1 : r.measures().memoryKb();
            case FDS -> r.measures() == null ? -1 : r.measures().openFds();
            case METRIC -> r.measures() == null || r.measures().metric() == null ? -1 : r.measures().metric();
        };
        return v > 0 ? v : Double.NaN;
    }

    @com.fasterxml.jackson.annotation.JsonCreator
    public static Measure parse(String id) {
        for (Measure m : values()) {
            if (m.id.equals(id)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown measure '" + id + "'");
    }
}
