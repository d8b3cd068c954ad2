package dev.shimscope.staticbin;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The dynamic loader's library cache ({@code /etc/ld.so.cache}, written by ldconfig), read the
 * way glibc's ld.so reads it: the "glibc-ld.so.cache1.1" format (alone or after the old
 * "ld.so-1.7.0" table), entries for x86-64 libc6 libraries only, first entry of a name wins,
 * entries for glibc-hwcaps subdirectories skipped.
 */
public final class LdSoCache {

    private static final String NEW_MAGIC = "glibc-ld.so.cache1.1";
    private static final String OLD_MAGIC = "ld.so-1.7.0";
    private static final int FLAG_ELF_LIBC6 = 0x0003;
    private static final int FLAG_X8664_LIB64 = 0x0300;

    private final Map<String, String> bySoname;

    private LdSoCache(Map<String, String> bySoname) {
        this.bySoname = Collections.unmodifiableMap(bySoname);
    }

    /** An empty cache (no /etc/ld.so.cache: ld.so then searches only the default directories). */
    public static LdSoCache empty() {
        return new LdSoCache(Map.of());
    }

    /** Reads {@code file}; a missing file gives an empty cache, a damaged one an error naming it. */
    public static LdSoCache read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return empty();
        }
        byte[] bytes = Files.readAllBytes(file);
        try {
            return new LdSoCache(parse(bytes));
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            throw new IllegalArgumentException(file + " is not a readable ld.so cache (" + e.getMessage()
                    + "); run ldconfig to rebuild it");
        }
    }

    static Map<String, String> parse(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        int base = 0;
        if (startsWith(bytes, 0, OLD_MAGIC)) {
            int nlibs = b.getInt(12);
            int end = 16 + nlibs * 12;
            base = (end + 7) & ~7;
            if (!startsWith(bytes, base, NEW_MAGIC)) {
                throw new IllegalArgumentException("only the old format is present");
            }
        } else if (!startsWith(bytes, 0, NEW_MAGIC)) {
            throw new IllegalArgumentException("unknown magic");
        }
        int nlibs = b.getInt(base + 20);
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < nlibs; i++) {
            int e = base + 48 + i * 24;
            int flags = b.getInt(e);
            int key = b.getInt(e + 4);
            int value = b.getInt(e + 8);
            long hwcap = b.getLong(e + 16);
            if ((flags & 0xff) != FLAG_ELF_LIBC6 || (flags & 0xff00) != FLAG_X8664_LIB64 || hwcap != 0) {
                continue;
            }
            out.putIfAbsent(string(bytes, base + key), string(bytes, base + value));
        }
        return out;
    }

    private static boolean startsWith(byte[] b, int off, String magic) {
        if (off + magic.length() > b.length) {
            return false;
        }
        for (int i = 0; i < magic.length(); i++) {
            if (b[off + i] != magic.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static String string(byte[] b, int off) {
        if (off < 0 || off >= b.length) {
            throw new IllegalArgumentException("string offset " + off + " outside the file");
        }
        int end = off;
        while (end < b.length && b[end] != 0) {
            end++;
        }
        return new String(b, off, end - off, StandardCharsets.UTF_8);
    }

    /** The path ldconfig recorded for {@code soname}. */
    public Optional<String> lookup(String soname) {
        return Optional.ofNullable(bySoname.get(soname));
    }

    public int size() {
        return bySoname.size();
    }
}
