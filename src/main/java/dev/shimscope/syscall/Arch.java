package dev.shimscope.syscall;

import java.util.Locale;

/**
 * An instruction-set architecture with its own syscall numbering. {@link #auditArch()} is the
 * value the kernel puts into {@code seccomp_data.arch}, which every generated filter checks first.
 */
public enum Arch {
    X86_64("x86_64", 0xC000003EL, 62),
    AARCH64("aarch64", 0xC00000B7L, 183);

    private final String id;
    private final long auditArch;
    private final int elfMachine;

    Arch(String id, long auditArch, int elfMachine) {
        this.id = id;
        this.auditArch = auditArch;
        this.elfMachine = elfMachine;
    }

    /** The name used in file names and output, e.g. {@code x86_64}. */
    public String id() {
        return id;
    }

    /** AUDIT_ARCH_* constant from linux/audit.h. */
    public long auditArch() {
        return auditArch;
    }

    /** e_machine value in an ELF header (EM_X86_64 = 62, EM_AARCH64 = 183). */
    public int elfMachine() {
        return elfMachine;
    }

    public static Arch parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        for (Arch a : values()) {
            if (a.id.equals(t)) {
                return a;
            }
        }
        if (t.equals("amd64")) {
            return X86_64;
        }
        if (t.equals("arm64")) {
            return AARCH64;
        }
        throw new IllegalArgumentException("unknown architecture '" + text + "' (known: x86_64, aarch64)");
    }

    @Override
    public String toString() {
        return id;
    }
}
