package dev.shimscope.staticbin;

import java.util.ArrayList;
import java.util.List;

/**
 * Whether a binary can run on an ELF loader of the kind unikernels use for binary
 * compatibility (Unikraft's app-elfloader): 64-bit, position independent, for the machine the loader
 * runs on (x86_64, or aarch64 where binary compatibility is being brought to AArch64). A static PIE
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
        if (!b.arch().equals("x86_64") && !b.arch().equals("aarch64")) {
            return new Verdict(false, "incompatible: " + b.arch() + " binary; the loader runs x86_64 or aarch64 code", needs);
        }
        if (!b.pie()) {
            // Go 1.19's toolchain has no working static PIE (an external -static-pie link traps at start)
            String advice = b.go() == null ? "rebuild with -fPIE -pie or -static-pie"
                    : b.cgo() ? "Go with cgo: rebuild with go build -buildmode=pie (a dynamic PIE: ld.so and libc "
                    + "in the root filesystem)"
                    : "pure Go: rebuild with go build -buildmode=pie (a dynamic PIE whose only dependency is ld.so)";
            return new Verdict(false, "incompatible: not position independent (" + b.kind()
                    + ", fixed load address); " + advice, needs);
        }
        if (b.interpreter() != null) {
            needs.add("the interpreter " + b.interpreter() + " in the root filesystem");
        }
        if (!b.needed().isEmpty()) {
            needs.add(b.needed().size() + " shared libraries in the root filesystem: " + String.join(", ", b.needed()));
        }
        if (b.tls() != null) {
            needs.add("thread-local storage: a " + b.tls().memorySize() + "-byte TLS block aligned to " + b.tls().align()
                    + " (" + b.tls().fileSize() + " bytes initialised) set up through "
                    + (b.arch().equals("aarch64") ? "the TPIDR_EL0 register" : "arch_prctl(ARCH_SET_FS)"));
        }
        String summary = (b.interpreter() == null ? "compatible: static PIE, loads without a dynamic linker"
                : "compatible: dynamic PIE, loads through its dynamic linker") + " on an " + b.arch() + " loader";
        if (b.go() != null) {
            summary += " (Go " + (b.cgo() ? "with cgo" : "without cgo") + ")";
        }
        return new Verdict(true, summary, needs);
    }
}
