package dev.shimscope.syscall;

/**
 * One system call of one architecture. A number the table does not know still gets a
 * Syscall, named {@code syscall_N}, so nothing the kernel reports is ever dropped.
 */
public record Syscall(Arch arch, int number, String name) implements Comparable<Syscall> {

    /** Prefix of the name given to numbers that are not in the table. */
    public static final String UNKNOWN_PREFIX = "syscall_";

    public boolean known() {
        return !name.equals(UNKNOWN_PREFIX + number);
    }

    @Override
    public int compareTo(Syscall o) {
        return Integer.compare(number, o.number);
    }

    @Override
    public String toString() {
        return name;
    }
}
