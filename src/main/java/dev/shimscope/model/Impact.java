package dev.shimscope.model;

import dev.shimscope.syscall.Syscall;

/** A syscall stubbed or faked changed what the workload costs: the comparison that shows it. */
public record Impact(Syscall syscall, Treatment treatment, Comparison comparison) {

    /** "write stubbed: requests/s +15 % [+9, +21]". */
    public String describe() {
        return syscall.name() + " " + (treatment.kind() == Treatment.Kind.STUB ? "stubbed" : "faked") + ": "
                + comparison.describe();
    }
}
