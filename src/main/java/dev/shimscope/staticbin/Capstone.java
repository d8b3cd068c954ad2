package dev.shimscope.staticbin;

import dev.shimscope.syscall.Arch;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * x86-64 and AArch64 disassembler on top of Debian's libcapstone4 (capstone 4.0.x) through the FFM API,
 * detail mode off (Intel syntax text only, which is what makes it fast). One instance per
 * thread: {@link #decode} decodes a chunk of instructions straight from a mapped file (one
 * native call per chunk, not per instruction) and the indexed getters read them. Instruction ids are mapped to
 * names with {@code cs_insn_name} at start-up, so no capstone enum value is hard-coded.
 */
final class Capstone implements AutoCloseable {

    /** Where Debian's libcapstone4 puts the library; a plain soname lookup is tried first. */
    private static final String[] LIBRARY_NAMES = {"libcapstone.so.4", "/usr/lib/x86_64-linux-gnu/libcapstone.so.4"};
    private static final int CS_ARCH_ARM64 = 1;
    private static final int CS_ARCH_X86 = 3;
    private static final int CS_MODE_64 = 1 << 3;
    private static final int CS_MODE_LITTLE_ENDIAN = 0;
    private static final int CS_OPT_DETAIL = 2;
    private static final int CS_OPT_OFF = 0;
    // capstone 4.0 cs_insn: id u32 @0, address u64 @8, size u16 @16, bytes[16] @18, mnemonic[32] @34, op_str[160] @66
    private static final long OFF_ID = 0, OFF_ADDRESS = 8, OFF_SIZE = 16, OFF_MNEMONIC = 34, OFF_OPSTR = 66;
    private static final long INSN_SIZE = 240;

    private static final MethodHandle CS_OPEN, CS_OPTION, CS_FREE, CS_CLOSE, CS_DISASM, CS_INSN_NAME, CS_VERSION;
    private static final java.util.Map<Arch, String[]> NAMES = new java.util.EnumMap<>(Arch.class);

    /** Why the library could not be loaded; null when it was. Checked by every constructor, so the user gets this line. */
    private static final String LOAD_ERROR;

    static {
        MethodHandle[] h = new MethodHandle[7];
        String error = null;
        try {
            load(h);
        } catch (IllegalStateException e) {
            error = e.getMessage();
        }
        LOAD_ERROR = error;
        CS_OPEN = h[0];
        CS_OPTION = h[1];
        CS_FREE = h[2];
        CS_CLOSE = h[3];
        CS_DISASM = h[4];
        CS_INSN_NAME = h[5];
        CS_VERSION = h[6];
    }

    /** Null when libcapstone4 loaded; else the line that says what to install. */
    public static String loadError() {
        return LOAD_ERROR;
    }

    private static void load(MethodHandle[] h) {
        Linker linker = Linker.nativeLinker();
        SymbolLookup lib = null;
        for (String n : LIBRARY_NAMES) {
            try {
                lib = SymbolLookup.libraryLookup(n, Arena.global());
                break;
            } catch (IllegalArgumentException notFound) {
                // try the next name
            }
        }
        if (lib == null) {
            throw new IllegalStateException("cannot load libcapstone.so.4 (capstone 4), which static analysis uses "
                    + "to disassemble; install it: apt-get install -y libcapstone4");
        }
        SymbolLookup l = lib;
        java.util.function.Function<String, MemorySegment> f = name -> l.find(name).orElseThrow(
                () -> new IllegalStateException("libcapstone.so.4 has no symbol " + name + "; install Debian's libcapstone4"));
        ValueLayout size_t = ValueLayout.JAVA_LONG;
        h[0] = linker.downcallHandle(f.apply("cs_open"),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        h[1] = linker.downcallHandle(f.apply("cs_option"),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, size_t, ValueLayout.JAVA_INT, size_t));
        h[2] = linker.downcallHandle(f.apply("cs_free"), FunctionDescriptor.ofVoid(ValueLayout.ADDRESS, size_t));
        h[3] = linker.downcallHandle(f.apply("cs_close"), FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        h[4] = linker.downcallHandle(f.apply("cs_disasm"),
                FunctionDescriptor.of(size_t, size_t, ValueLayout.ADDRESS, size_t, ValueLayout.JAVA_LONG, size_t,
                        ValueLayout.ADDRESS));
        h[5] = linker.downcallHandle(f.apply("cs_insn_name"),
                FunctionDescriptor.of(ValueLayout.ADDRESS, size_t, ValueLayout.JAVA_INT));
        h[6] = linker.downcallHandle(f.apply("cs_version"),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
    }

    private final Arena arena = Arena.ofConfined();
    private final Arch arch;
    private final long handle;
    private final MemorySegment insnPtr;
    private MemorySegment chunk;
    private long chunkCount;

    Capstone() {
        this(Arch.X86_64);
    }

    /** A disassembler for {@code arch}: x86-64 (64-bit mode) or AArch64 (little-endian ARM64 mode). */
    Capstone(Arch arch) {
        if (LOAD_ERROR != null) {
            throw new IllegalStateException(LOAD_ERROR);
        }
        this.arch = arch;
        try {
            int major = (int) CS_VERSION.invokeExact(MemorySegment.NULL, MemorySegment.NULL) >> 8;
            if (major != 4) {
                throw new IllegalStateException("libcapstone.so.4 reports capstone API " + major
                        + ", expected 4 (its cs_insn layout is read directly); install Debian's libcapstone4");
            }
            MemorySegment h = arena.allocate(ValueLayout.JAVA_LONG);
            int err = arch == Arch.AARCH64 ? (int) CS_OPEN.invokeExact(CS_ARCH_ARM64, CS_MODE_LITTLE_ENDIAN, h)
                    : (int) CS_OPEN.invokeExact(CS_ARCH_X86, CS_MODE_64, h);
            if (err != 0) {
                throw new IllegalStateException("capstone cs_open failed with error " + err);
            }
            handle = h.get(ValueLayout.JAVA_LONG, 0);
            int e2 = (int) CS_OPTION.invokeExact(handle, CS_OPT_DETAIL, (long) CS_OPT_OFF);
            if (e2 != 0) {
                throw new IllegalStateException("capstone cs_option failed with error " + e2);
            }
            insnPtr = arena.allocate(ValueLayout.ADDRESS);
            initNames();
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        } catch (Throwable t) {
            arena.close();
            throw new IllegalStateException(t);
        }
    }

    private void initNames() throws Throwable {
        synchronized (NAMES) {
            if (NAMES.containsKey(arch)) {
                return;
            }
            Map<Integer, String> m = new HashMap<>();
            int max = 0;
            for (int id = 1; id < 4096; id++) {
                MemorySegment p = (MemorySegment) CS_INSN_NAME.invokeExact(handle, id);
                if (p.equals(MemorySegment.NULL)) {
                    continue;
                }
                m.put(id, p.reinterpret(64).getString(0, StandardCharsets.US_ASCII));
                max = id;
            }
            String[] n = new String[max + 1];
            m.forEach((k, v) -> n[k] = v);
            NAMES.put(arch, n);
        }
    }

    /** Capstone's x86 instruction names indexed by instruction id (null where unused). */
    static String[] instructionNames() {
        return instructionNames(Arch.X86_64);
    }

    /** Capstone's instruction names for {@code arch}, indexed by instruction id. */
    static String[] instructionNames(Arch arch) {
        synchronized (NAMES) {
            if (NAMES.containsKey(arch)) {
                return NAMES.get(arch);
            }
        }
        try (Capstone c = new Capstone(arch)) {
            // initialises the names
        }
        synchronized (NAMES) {
            return NAMES.get(arch);
        }
    }

    /**
     * Decodes up to {@code maxCount} instructions from {@code length} bytes of {@code file} at
     * {@code fileOffset}, loaded at {@code address}; returns how many were decoded, 0 when the
     * first bytes are no valid instruction (capstone 4 does not know a few AVX-512 and PKU
     * encodings). They stay readable through the indexed getters until the next call.
     */
    int decode(MemorySegment file, long fileOffset, long length, long address, int maxCount) {
        release();
        try {
            long n = (long) CS_DISASM.invokeExact(handle, file.asSlice(fileOffset, length), length, address,
                    (long) maxCount, insnPtr);
            if (n > 0) {
                chunk = insnPtr.get(ValueLayout.ADDRESS, 0).reinterpret(n * INSN_SIZE);
                chunkCount = n;
            }
            return (int) n;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private void release() {
        if (chunk != null) {
            try {
                CS_FREE.invokeExact(chunk, chunkCount);
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
            chunk = null;
            chunkCount = 0;
        }
    }

    int id(int i) {
        return chunk.get(ValueLayout.JAVA_INT, i * INSN_SIZE + OFF_ID);
    }

    long address(int i) {
        return chunk.get(ValueLayout.JAVA_LONG, i * INSN_SIZE + OFF_ADDRESS);
    }

    int size(int i) {
        return Short.toUnsignedInt(chunk.get(ValueLayout.JAVA_SHORT, i * INSN_SIZE + OFF_SIZE));
    }

    /**
     * Copies the operand text of instruction {@code i} into {@code buffer} (at least 160 bytes)
     * and returns its length: parsing bytes avoids a String per instruction on the hot path.
     */
    int operandBytes(int i, byte[] buffer) {
        MemorySegment.copy(chunk, ValueLayout.JAVA_BYTE, i * INSN_SIZE + OFF_OPSTR, buffer, 0, 160);
        int n = 0;
        while (n < 160 && buffer[n] != 0) {
            n++;
        }
        return n;
    }

    String mnemonic(int i) {
        return chunk.getString(i * INSN_SIZE + OFF_MNEMONIC, StandardCharsets.US_ASCII);
    }

    String operands(int i) {
        return chunk.getString(i * INSN_SIZE + OFF_OPSTR, StandardCharsets.US_ASCII);
    }

    @Override
    public void close() {
        try {
            release();
            MemorySegment h = arena.allocate(ValueLayout.JAVA_LONG);
            h.set(ValueLayout.JAVA_LONG, 0, handle);
            int ignored = (int) CS_CLOSE.invokeExact(h);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        } finally {
            arena.close();
        }
    }
}
