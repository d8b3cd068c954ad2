package dev.shimscope.elf;

/** How an ELF is linked and loaded, as far as an ELF loader cares. */
public enum ElfKind {
    /** ET_EXEC without an interpreter: loaded at fixed addresses, no ld.so. */
    STATIC("static"),
    /** ET_DYN without an interpreter, flagged PIE: relocates itself (gcc -static-pie). */
    STATIC_PIE("static-pie"),
    /** ET_EXEC with an interpreter: fixed addresses, shared libraries through ld.so. */
    DYNAMIC("dynamic"),
    /** ET_DYN with an interpreter: position independent, shared libraries through ld.so. */
    DYNAMIC_PIE("dynamic-pie"),
    /** ET_DYN that is a shared library (no PIE flag and no interpreter, or a library that can also run). */
    SHARED_LIBRARY("shared-library"),
    /** ET_REL / ET_CORE and anything else. */
    OTHER("other");

    private final String label;

    ElfKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public boolean pie() {
        return this == STATIC_PIE || this == DYNAMIC_PIE;
    }

    public boolean usesInterpreter() {
        return this == DYNAMIC || this == DYNAMIC_PIE;
    }

    @Override
    public String toString() {
        return label;
    }
}
