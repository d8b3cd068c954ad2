package dev.shimscope.syscall.args;

import java.util.List;

/**
 * One value of a multiplexed syscall's selecting argument, as a filter can match it: prctl's
 * option PR_SET_NAME ({@code arg0 == 15}), one flag bit of mmap ({@code arg3 & MAP_ANONYMOUS}),
 * a futex operation without its private and clock bits ({@code arg1 & 0x7f == FUTEX_WAIT}),
 * setsockopt's level and option together. A call has the value when every match holds:
 * {@code (arg[index] & mask) == value}.
 *
 * @param label   what the argument is ("option", "request", "flags")
 * @param name    the value's symbolic name ("PR_SET_NAME", "MAP_ANONYMOUS")
 * @param bit     true for one bit of a flag argument (explored per bit, not per combination)
 * @param matches the argument conditions, all of which must hold
 */
public record ArgumentValue(String label, String name, boolean bit, List<Match> matches) implements Comparable<ArgumentValue> {

    /** {@code (arg[index] & mask) == value}. */
    public record Match(int index, long mask, long value) {
        public Match {
            if (index < 0 || index > 5) {
                throw new IllegalArgumentException("argument index must be 0..5, not " + index);
            }
        }
    }

    public ArgumentValue {
        matches = List.copyOf(matches);
        if (matches.isEmpty()) {
            throw new IllegalArgumentException("an argument value needs a match");
        }
    }

    /** "option=PR_SET_NAME". */
    public String id() {
        return label + "=" + name;
    }

    @Override
    public int compareTo(ArgumentValue o) {
        return id().compareTo(o.id());
    }

    @Override
    public String toString() {
        return id();
    }
}
