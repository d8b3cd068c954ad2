package dev.shimscope.syscall.args;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Names for the values of one argument, as strace's xlat tables do: either an enumeration
 * (one value, one name) or a set of flags (bits joined with {@code |}). Unknown values and
 * leftover bits are shown in hex, never dropped.
 */
public final class ValueTable {

    private final boolean flags;
    private final long mask;
    private final Map<Long, String> names = new LinkedHashMap<>();

    private ValueTable(boolean flags, long mask) {
        this.flags = flags;
        this.mask = mask;
    }

    /** An enumeration; {@code mask} selects the bits that carry the value (others are ignored). */
    public static ValueTable maskedEnumeration(long mask, Object... valueNamePairs) {
        return fill(new ValueTable(false, mask), valueNamePairs);
    }

    public static ValueTable enumeration(Object... valueNamePairs) {
        return maskedEnumeration(-1L, valueNamePairs);
    }

    public static ValueTable flags(Object... valueNamePairs) {
        return fill(new ValueTable(true, -1L), valueNamePairs);
    }

    private static ValueTable fill(ValueTable t, Object[] pairs) {
        for (int i = 0; i < pairs.length; i += 2) {
            t.names.put(((Number) pairs[i]).longValue(), (String) pairs[i + 1]);
        }
        return t;
    }

    /** True for a flag set (values are explored per bit). */
    public boolean isFlags() {
        return flags;
    }

    /** The bits that carry an enumeration's value. */
    public long mask() {
        return mask;
    }

    /** The value with this name, if the table has it (for OS lists that name values). */
    public java.util.OptionalLong valueOf(String name) {
        for (Map.Entry<Long, String> e : names.entrySet()) {
            if (e.getValue().equals(name)) {
                return java.util.OptionalLong.of(e.getKey());
            }
        }
        return java.util.OptionalLong.empty();
    }

    /** The named bits set in {@code value}, then any leftover bit alone (hex): one per bit. */
    public List<Map.Entry<Long, String>> bits(long value) {
        List<Map.Entry<Long, String>> out = new ArrayList<>();
        long rest = value;
        for (Map.Entry<Long, String> e : names.entrySet()) {
            long bits = e.getKey();
            if (bits != 0 && (rest & bits) == bits) {
                out.add(Map.entry(bits, e.getValue()));
                rest &= ~bits;
            }
        }
        for (int b = 0; b < 64 && rest != 0; b++) {
            long bit = 1L << b;
            if ((rest & bit) != 0) {
                out.add(Map.entry(bit, "0x" + Long.toHexString(bit)));
                rest &= ~bit;
            }
        }
        return out;
    }

    /** The symbolic form of {@code value}. */
    public String decode(long value) {
        if (!flags) {
            String n = names.get(value & mask);
            String hex = "0x" + Long.toHexString(value);
            return n != null ? n : hex;
        }
        if (value == 0) {
            return names.getOrDefault(0L, "0");
        }
        List<String> parts = new ArrayList<>();
        long rest = value;
        for (Map.Entry<Long, String> e : names.entrySet()) {
            long bits = e.getKey();
            if (bits != 0 && (rest & bits) == bits) {
                parts.add(e.getValue());
                rest &= ~bits;
            }
        }
        if (rest != 0) {
            parts.add("0x" + Long.toHexString(rest));
        }
        return String.join("|", parts);
    }
}
