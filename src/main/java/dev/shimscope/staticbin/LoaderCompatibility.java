package dev.shimscope.staticbin;

import java.util.ArrayList;
import java.util.List;

/**
 * Whether a binary can run on an ELF loader of the kind unikernels use for binary
 * compatibility (Unikraft's app-elfloader): x86_64, 64-bit, position independent. A static PIE
 * loads on its own; a dynamic PIE also needs its interpreter and libraries in the root
 * filesystem; a fixed-address executable (ET_EXEC) cannot be placed by such a loader.
 */
public final class LoaderCompatibility {

    private LoaderCompatibility() {
    }

    /** The verdict: compatible or not, one line saying why, and what else the loader must provide. */
    public record Verdict(boolean compatible, String summary, List<String> requirements) {
    }

    public static Verdict assess(BinaryInfo b) {
        List<String> needs = new ArrayList<>();
        if (!b.arch().equals("x86_64")) {
            return new Verdict(false, "incompatible: " + b.arch() + " binary; the loader runs x86_64 code", needs);
        }
        if (!b.pie()) {
            return new Verdict(false, "incompatible: not position independent (" + b.kind()
                    + ", fixed load address); rebuild with -fPIE -pie or -static-pie", needs);
        }
        if (b.interpreter() != null) {
            needs.add("the interpreter " + b.interpreter() + " in the root filesystem");
        }
        if (!b.needed().isEmpty()) {
            needs.add(b.needed().size() + " shared libraries in the root filesystem: " + String.join(", ", b.needed()));
        }
        if (b.tls() != null) {
            needs.add("thread-local storage: a " + b.tls().memorySize() + "-byte TLS block aligned to " + b.tls().align()
                    + " (" + b.tls().fileSize() + " bytes initialised) set up through arch_prctl(ARCH_SET_FS)");
        }
        String summary = b.interpreter() == null ? "compatible: static PIE, loads without a dynamic linker"
                : "compatible: dynamic PIE, loads through its dynamic linker";
        return new Verdict(true, summary, needs);
    }
}
