package dev.shimscope.staticbin;

import dev.shimscope.elf.ElfFile;
import dev.shimscope.elf.ElfKind;

import java.util.List;

/**
 * The facts about an ELF binary that an ELF loader cares about: architecture, class, how it is
 * linked (static / static-pie / dynamic / dynamic PIE), interpreter, DT_NEEDED, RPATH/RUNPATH,
 * BIND_NOW, stripped or not, entry point and its thread-local storage template; for a Go binary
 * its toolchain version and whether it uses cgo ({@code go} is null for other binaries).
 */
public record BinaryInfo(String path, String arch, String elfClass, String kind, boolean pie, boolean stripped,
                         String interpreter, List<String> needed, List<String> rpath, List<String> runpath,
                         String soname, boolean bindNow, String entry, Tls tls, String go, boolean cgo) {

    /** The PT_TLS segment: where the initialised template is and how big the whole block is. */
    public record Tls(String address, long fileSize, long memorySize, long align) {
    }

    public static BinaryInfo of(ElfFile elf) {
        ElfKind k = elf.kind();
        Tls tls = elf.tlsSegment().map(s -> new Tls("0x" + Long.toHexString(s.address()), s.fileSize(),
                s.memorySize(), s.align())).orElse(null);
        var go = elf.goInfo();
        String goVersion = go.map(g -> g.version() == null ? "go (version unknown)" : g.version()).orElse(null);
        return new BinaryInfo(elf.path().toString(), elf.arch().id(), "ELF64", k.label(), k.pie(), elf.stripped(),
                elf.interpreter().orElse(null), elf.needed(), elf.rpath(), elf.runpath(), elf.soname().orElse(null),
                elf.bindNow(), "0x" + Long.toHexString(elf.entry()), tls, goVersion, go.map(g -> g.cgo()).orElse(false));
    }

    public boolean isStatic() {
        return interpreter == null && needed.isEmpty();
    }
}
