package dev.shimscope.staticsrc;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Sizes, alignments and field offsets of IR types under the x86_64 System V data layout (what
 * clang's {@code target datalayout} for x86_64-linux says: pointers and i64 8 bytes, x86_fp80 16,
 * natural alignment, {@code <{ }>} packed), so that a {@code getelementptr} path into a struct and
 * a type-based alias analysis tag (which gives a byte offset) name the same field. A type it
 * cannot size (opaque, scalable vectors) gives -1.
 */
final class IrTypes {

    private final Map<String, String> named;
    private final Map<String, long[]> cache = new HashMap<>();

    IrTypes(Map<String, String> named) {
        this.named = named;
    }

    /** {size, align} of a type, or {-1, -1}. */
    long[] layout(String type) {
        String t = type.strip();
        long[] c = cache.get(t);
        if (c != null) {
            return c;
        }
        cache.put(t, new long[]{-1, -1}); // a recursive type has no size
        long[] out = compute(t);
        cache.put(t, out);
        return out;
    }

    private long[] compute(String t) {
        if (t.equals("ptr") || t.endsWith("*")) {
            return new long[]{8, 8};
        }
        if (t.length() > 1 && t.charAt(0) == 'i' && Character.isDigit(t.charAt(1))) {
            long bits = Long.parseLong(t.substring(1));
            long size = (bits + 7) / 8;
            long p = Long.highestOneBit(Math.max(1, size));
            size = p < size ? p * 2 : size;
            return new long[]{size, Math.min(size, bits > 64 ? 16 : 8)};
        }
        switch (t) {
            case "half", "bfloat" -> {
                return new long[]{2, 2};
            }
            case "float" -> {
                return new long[]{4, 4};
            }
            case "double" -> {
                return new long[]{8, 8};
            }
            case "x86_fp80", "fp128" -> {
                return new long[]{16, 16};
            }
            default -> {
            }
        }
        if (t.startsWith("%")) {
            String body = named.get(IrText.bare(t));
            return body == null || body.equals("opaque") ? new long[]{-1, -1} : layout(body);
        }
        if (t.startsWith("[") || t.startsWith("<") && !t.startsWith("<{")) {
            String inner = t.substring(1, t.length() - 1).strip();
            int x = inner.indexOf(" x ");
            if (x < 0 || inner.startsWith("vscale")) {
                return new long[]{-1, -1};
            }
            long n = Long.parseLong(inner.substring(0, x).strip());
            long[] e = layout(inner.substring(x + 3));
            if (e[0] < 0) {
                return e;
            }
            if (t.startsWith("[")) {
                return new long[]{n * e[0], e[1]};
            }
            long size = n * e[0];
            long p = Long.highestOneBit(Math.max(1, size));
            return new long[]{size, p < size ? p * 2 : size};
        }
        if (t.startsWith("{") || t.startsWith("<{")) {
            boolean packed = t.startsWith("<{");
            long offset = 0;
            long align = 1;
            for (String f : fields(t)) {
                long[] l = layout(f);
                if (l[0] < 0) {
                    return l;
                }
                long a = packed ? 1 : l[1];
                offset = align(offset, a);
                offset += l[0];
                align = Math.max(align, a);
            }
            return new long[]{align(offset, align), align};
        }
        return new long[]{-1, -1};
    }

    /** The byte offset of the field at {@code path} (constant GEP indices after the first) inside {@code type}, or -1. */
    long offset(String type, List<Long> path) {
        long off = 0;
        String cur = type.strip();
        for (long idx : path) {
            String body = cur.startsWith("%") ? named.get(IrText.bare(cur)) : cur;
            if (body == null) {
                return -1;
            }
            if (body.startsWith("{") || body.startsWith("<{")) {
                boolean packed = body.startsWith("<{");
                List<String> fs = fields(body);
                if (idx < 0 || idx >= fs.size()) {
                    return -1;
                }
                long o = 0;
                for (int i = 0; i <= idx; i++) {
                    long[] l = layout(fs.get(i));
                    if (l[0] < 0) {
                        return -1;
                    }
                    o = align(o, packed ? 1 : l[1]);
                    if (i < idx) {
                        o += l[0];
                    }
                }
                off += o;
                cur = fs.get((int) idx);
            } else if (body.startsWith("[")) {
                String inner = body.substring(1, body.length() - 1).strip();
                String elem = inner.substring(inner.indexOf(" x ") + 3);
                long[] l = layout(elem);
                if (l[0] < 0) {
                    return -1;
                }
                off += idx * l[0];
                cur = elem;
            } else {
                return -1;
            }
        }
        return off;
    }

    private static List<String> fields(String struct) {
        int open = struct.indexOf('{');
        int close = IrText.closing(struct, open);
        return IrText.splitTop(struct.substring(open + 1, close), ',');
    }

    private static long align(long x, long a) {
        return a <= 1 ? x : (x + a - 1) / a * a;
    }
}
