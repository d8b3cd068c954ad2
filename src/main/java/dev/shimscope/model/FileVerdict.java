package dev.shimscope.model;

/**
 * What an exploration found about one file the application named (opened, stat-ed, checked
 * access to, read a link of): whether the workload passes when the file does not exist, and, for
 * a pseudo-file under /proc, /sys or /dev, when it is empty.
 *
 * @param path   the path as the application named it
 * @param calls  calls naming it in the traced run
 * @param failed of those, calls that failed in the traced run
 * @param need   whether it must exist
 * @param empty  for a pseudo-file: whether an empty file in its place works; null if not tried
 */
public record FileVerdict(String path, long calls, long failed, Need need, Need empty) {

    /** Whether a file must be there (or, for {@code empty}, must have its content). */
    public enum Need {
        /** The workload fails without it: an OS must provide it. */
        REQUIRED,
        /** The workload passes without it: an OS may leave it out. */
        OPTIONAL,
        /** Every call naming it failed in the traced run already: the application copes without it. */
        ABSENT,
        /** Repeated runs disagreed; treated as required. */
        FLAKY;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
