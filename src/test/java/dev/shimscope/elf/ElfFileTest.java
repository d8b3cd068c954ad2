package dev.shimscope.elf;

import dev.shimscope.syscall.Arch;
import dev.shimscope.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ElfFileTest {

    @TempDir
    Path tmp;

    @Test
    void readsRedisServerAsInstalledByDebian() throws IOException {
        try (ElfFile elf = ElfFile.open(Path.of("/usr/bin/redis-server"))) {
            assertThat(elf.arch()).isEqualTo(Arch.X86_64);
            assertThat(elf.kind()).isEqualTo(ElfKind.DYNAMIC_PIE);
            assertThat(elf.interpreter()).contains("/lib64/ld-linux-x86-64.so.2");
            assertThat(elf.needed()).contains("libc.so.6", "libssl.so.3", "libjemalloc.so.2");
            assertThat(elf.stripped()).isTrue();
            assertThat(elf.bindNow()).isTrue();
            assertThat(elf.importedSymbols()).extracting(ElfSymbol::name).contains("epoll_wait", "malloc_usable_size");
            assertThat(elf.relocations()).extracting(ElfRelocation::type)
                    .contains(ElfRelocation.R_X86_64_GLOB_DAT, ElfRelocation.R_X86_64_RELATIVE);
            assertThat(elf.relocations()).filteredOn(r -> r.symbol() != null && r.symbol().name().equals("epoll_wait"))
                    .isNotEmpty();
            assertThat(elf.unwindFunctionStarts()).hasSizeGreaterThan(1000);
            assertThat(elf.executableSections()).extracting(ElfSection::name).contains(".text", ".init");
        }
    }

    @Test
    void readsLibcAsASharedLibraryWithIfuncsTlsAndPackedRelocations() throws IOException {
        try (ElfFile elf = ElfFile.open(Path.of("/lib/x86_64-linux-gnu/libc.so.6"))) {
            assertThat(elf.kind()).isEqualTo(ElfKind.SHARED_LIBRARY);
            assertThat(elf.soname()).contains("libc.so.6");
            assertThat(elf.needed()).containsExactly("ld-linux-x86-64.so.2");
            assertThat(elf.tlsSegment()).isPresent();
            assertThat(elf.exportedFunctions()).extracting(ElfSymbol::name).contains("write", "syscall", "getpid");
            assertThat(elf.dynamicSymbols()).anyMatch(s -> s.type() == ElfSymbol.STT_GNU_IFUNC && s.name().equals("memcpy"));
            assertThat(elf.relocations()).extracting(ElfRelocation::type)
                    .contains(ElfRelocation.R_X86_64_IRELATIVE, ElfRelocation.R_X86_64_JUMP_SLOT, ElfRelocation.R_X86_64_GLOB_DAT);
            // every exported function lies inside an FDE's range
            java.util.List<long[]> ranges = Arrays.asList(elf.unwindFunctionRanges());
            assertThat(ranges).hasSizeGreaterThan(1000);
            ElfSymbol write = elf.exportedFunctions().stream().filter(s -> s.name().equals("write")).findFirst().orElseThrow();
            assertThat(ranges).anySatisfy(r -> assertThat(write.value()).isBetween(r[0], r[1] - 1));
            // Debian's libc packs its RELATIVE relocations in DT_RELR
            assertThat(elf.relocations()).filteredOn(r -> r.type() == ElfRelocation.R_X86_64_RELATIVE).hasSizeGreaterThan(500);
        }
    }

    @Test
    void tellsTheKindsOfExecutableApart() throws IOException {
        Path pie = Fixtures.compile("gcc", "static_sites", "static_sites-pie");
        Path noPie = Fixtures.compile("gcc", "static_sites", "static_sites-nopie", "-no-pie");
        Path musl = Fixtures.compile("musl-gcc", "static_sites", "static_sites-musl", "-static");
        Path staticPie = Fixtures.compile("gcc", "static_sites", "static_sites-static-pie", "-static-pie");
        try (ElfFile a = ElfFile.open(pie); ElfFile b = ElfFile.open(noPie); ElfFile c = ElfFile.open(musl);
             ElfFile d = ElfFile.open(staticPie)) {
            assertThat(a.kind()).isEqualTo(ElfKind.DYNAMIC_PIE);
            assertThat(b.kind()).isEqualTo(ElfKind.DYNAMIC);
            assertThat(b.type()).isEqualTo(ElfFile.ET_EXEC);
            assertThat(c.kind()).isEqualTo(ElfKind.STATIC);
            assertThat(c.interpreter()).isEmpty();
            assertThat(c.needed()).isEmpty();
            assertThat(d.kind()).isEqualTo(ElfKind.STATIC_PIE);
            assertThat(d.interpreter()).isEmpty();
            assertThat(a.stripped()).isFalse();
            assertThat(a.symbols()).extracting(ElfSymbol::name).contains("main", "never_called");
            assertThat(a.initAndFiniFunctions()).isNotEmpty();
            // glibc static binaries call their IFUNC resolvers through IRELATIVE relocations
            assertThat(d.relocations()).extracting(ElfRelocation::type).contains(ElfRelocation.R_X86_64_IRELATIVE);
        }
    }

    @Test
    void rejectsAFileThatIsNotElf() {
        assertThatThrownBy(() -> ElfFile.open(Path.of("/etc/passwd")))
                .isInstanceOf(ElfFormatException.class)
                .hasMessage("/etc/passwd is not an ELF file (no \\x7fELF magic); give an executable or a shared library");
    }

    @Test
    void rejects32BitBigEndianForeignAndTruncatedFiles() throws IOException {
        Path good = Fixtures.gcc("static_sites");
        byte[] bytes = Files.readAllBytes(good);

        Path bits32 = patched(bytes, "elf32", 4, (byte) 1);
        assertThatThrownBy(() -> ElfFile.open(bits32)).isInstanceOf(ElfFormatException.class)
                .hasMessageContaining("is a 32-bit ELF (ELFCLASS32)");
        Path bigEndian = patched(bytes, "elfbe", 5, (byte) 2);
        assertThatThrownBy(() -> ElfFile.open(bigEndian)).isInstanceOf(ElfFormatException.class)
                .hasMessageContaining("is a big-endian ELF");
        Path arm = patched(bytes, "elfarm", 18, (byte) 40);
        assertThatThrownBy(() -> ElfFile.open(arm)).isInstanceOf(ElfFormatException.class)
                .hasMessageContaining("is an ELF for machine 40 (ARM)");

        Path truncated = tmp.resolve("truncated");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> ElfFile.open(truncated)).isInstanceOf(ElfFormatException.class)
                .hasMessageContaining("is a truncated ELF file").hasMessageNotContaining("\n");
        Path header = tmp.resolve("header-only");
        Files.write(header, Arrays.copyOf(bytes, 40));
        assertThatThrownBy(() -> ElfFile.open(header)).isInstanceOf(ElfFormatException.class)
                .hasMessageContaining("an ELF64 header needs 64");
        Path empty = Files.write(tmp.resolve("empty"), new byte[0]);
        assertThatThrownBy(() -> ElfFile.open(empty)).hasMessageContaining("is not an ELF file");
        assertThatThrownBy(() -> ElfFile.open(tmp.resolve("missing"))).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> ElfFile.open(tmp)).hasMessageContaining("is a directory");
    }

    @Test
    void recognisesAarch64Headers() throws IOException {
        byte[] bytes = Files.readAllBytes(Fixtures.gcc("static_sites"));
        Path arm64 = patched(bytes, "elfarm64", 18, (byte) 183);
        try (ElfFile elf = ElfFile.open(arm64)) {
            assertThat(elf.arch()).isEqualTo(Arch.AARCH64);
        }
    }

    private Path patched(byte[] original, String name, int offset, byte value) throws IOException {
        byte[] b = original.clone();
        b[offset] = value;
        return Files.write(tmp.resolve(name), b);
    }
}
