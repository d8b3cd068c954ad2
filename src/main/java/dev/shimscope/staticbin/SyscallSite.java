package dev.shimscope.staticbin;

import java.util.Arrays;

/**
 * One place in a module's code that makes a system call: a {@code syscall} instruction (or
 * aarch64's {@code svc #0}), an
 * {@code int 0x80} / {@code sysenter} (i386 numbering, reported apart), or a call to a
 * syscall wrapper whose number argument is a constant there (such as libc's {@code syscall()}).
 * {@code numbers} are the values the number register can hold there, found by backtracking;
 * the status says whether every path gave a constant.
 */
public record SyscallSite(long address, int region, Kind kind, int[] numbers, Status status, String note) {

    /** How the site enters the kernel. */
    public enum Kind {
        SYSCALL_INSTRUCTION("syscall"),
        INT80("int 0x80"),
        SYSENTER("sysenter"),
        WRAPPER_CALL("call to wrapper"),
        SVC("svc #0");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        /** True for the i386 entry points, whose numbers are not x86_64 numbers. */
        public boolean i386() {
            return this == INT80 || this == SYSENTER;
        }
    }

    /** How far backtracking got. */
    public enum Status {
        /** Every path to the site loads a constant. */
        RESOLVED,
        /** Some paths load constants (listed), at least one could not be followed. */
        PARTIAL,
        /** No constant found. */
        UNRESOLVED,
        /** The number is an argument of the enclosing function: resolved at its call sites instead. */
        ARGUMENT
    }

    public boolean fullyKnown() {
        return status == Status.RESOLVED || status == Status.ARGUMENT;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SyscallSite s && s.address == address && s.region == region && s.kind == kind
                && Arrays.equals(s.numbers, numbers) && s.status == status && s.note.equals(note);
    }

    @Override
    public int hashCode() {
        return Long.hashCode(address) * 31 + Arrays.hashCode(numbers);
    }

    @Override
    public String toString() {
        return String.format("0x%x %s %s %s %s", address, kind.label(), Arrays.toString(numbers), status, note);
    }
}
