package dev.shimscope.report;

import dev.shimscope.model.Json;
import dev.shimscope.staticbin.BinaryInfo;
import dev.shimscope.staticbin.LoaderCompatibility;
import dev.shimscope.staticbin.StaticResult;
import dev.shimscope.syscall.Arch;
import dev.shimscope.syscall.SyscallTable;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Output of {@code shimscope static}: a terminal summary with one row per syscall and where it
 * comes from, the same as JSON, Loupe's {@code static_binary.csv}, and the ELF-loader
 * ({@code --bincompat}) facts and verdict.
 */
public final class StaticReport {

    private StaticReport() {
    }

    /** The syscall table of the analysed binary's architecture. */
    public static SyscallTable table(StaticResult r) {
        return SyscallTable.of(Arch.parse(r.binary().arch()));
    }

    /** The set a report shows: the sound function-level set, or every site of every module. */
    public static int[] chosenSet(StaticResult r, boolean allSites) {
        return allSites ? r.allSites() : r.functionLevel();
    }

    public static String text(StaticResult r, boolean allSites) {
        StringBuilder sb = new StringBuilder();
        BinaryInfo b = r.binary();
        sb.append("binary:   ").append(b.path()).append(" (").append(b.arch()).append(' ').append(b.elfClass())
                .append(' ').append(b.kind()).append(b.stripped() ? ", stripped" : "")
                .append(b.interpreter() != null ? ", interpreter " + b.interpreter() : "").append(")\n");
        long libs = r.modules().size() - 1;
        sb.append("modules:  ").append(r.modules().size()).append(" (the executable and ").append(libs)
                .append(" libraries; ").append(r.missingLibraries().size()).append(" missing); ")
                .append(r.timing().modulesScanned()).append(" disassembled, ").append(r.timing().modulesFromCache())
                .append(" from cache, ").append(r.timing().totalMillis()).append(" ms\n");
        for (String m : r.missingLibraries()) {
            sb.append("  missing: ").append(m).append('\n');
        }
        sb.append("syscalls: ").append(r.functionLevel().length).append(" function-level (what the program and its imports reach")
                .append(r.indirectCallsReached() ? ", indirect calls followed to " + r.dataReferencedFunctions()
                        + " data-referenced functions" : "").append("), ")
                .append(r.directOnly().length).append(" through direct calls only, ")
                .append(r.allSites().length).append(" at all sites of all modules\n");
        long reachedUnresolved = r.unresolvedSites().stream().filter(StaticResult.Site::reached).count();
        sb.append("unresolved sites: ").append(r.unresolvedSites().size()).append(" (").append(reachedUnresolved)
                .append(" reachable); int 0x80/sysenter sites: ").append(r.i386Sites().size()).append('\n');
        List<StaticResult.RuntimeModule> rm = r.runtimeModules();
        if (!rm.isEmpty()) {
            long adding = rm.stream().filter(x -> !x.added().isEmpty()).count();
            sb.append("dlopen'd modules: ").append(rm.stream().filter(x -> x.role().equals("module")).count())
                    .append(" and ").append(rm.stream().filter(x -> !x.role().equals("module")).count())
                    .append(" libraries only they need (").append(adding)
                    .append(" add syscalls the program alone does not make)\n");
            for (StaticResult.RuntimeModule x : rm) {
                if (!x.added().isEmpty()) {
                    sb.append("  ").append(Path.of(x.path()).getFileName()).append(" (")
                            .append(x.role().equals("module") ? x.reason() : "library of a module").append("): ")
                            .append(x.syscalls().size()).append(" syscalls, adds ").append(String.join(" ", x.added()))
                            .append('\n');
                }
            }
        }
        for (String n : r.traceNotes()) {
            sb.append("trace: ").append(n).append('\n');
        }
        for (String w : r.warnings()) {
            sb.append("warning: ").append(w).append('\n');
        }
        sb.append(allSites ? "\nall sites of all modules:\n" : "\n");
        Map<Integer, StaticResult.SyscallEntry> byNr = new LinkedHashMap<>();
        r.syscalls().forEach(e -> byNr.put(e.number(), e));
        SyscallTable table = table(r);
        TextTable t = new TextTable("NR", "NAME", "WHERE FROM").right(0);
        for (int nr : chosenSet(r, allSites)) {
            StaticResult.SyscallEntry e = byNr.get(nr);
            t.row(nr, table.name(nr), e == null ? "only at sites the program does not reach"
                    : provenance(e) + (e.traceNote() != null && e.traceNote().startsWith("vDSO") ? " [vDSO]" : ""));
        }
        sb.append(t.render());
        List<StaticResult.Site> shown = r.unresolvedSites().stream().filter(StaticResult.Site::reached).toList();
        if (!shown.isEmpty()) {
            sb.append("\nreachable sites whose number is not (fully) known:\n");
            for (StaticResult.Site s : shown.subList(0, Math.min(20, shown.size()))) {
                sb.append("  ").append(Path.of(s.module()).getFileName()).append(' ').append(s.address()).append(' ')
                        .append(s.function()).append(": ").append(s.status())
                        .append(s.syscalls().isEmpty() ? "" : " " + s.syscalls()).append(" (").append(s.note()).append(")\n");
            }
            if (shown.size() > 20) {
                sb.append("  ... ").append(shown.size() - 20).append(" more in --json\n");
            }
        }
        return sb.toString();
    }

    static String provenance(StaticResult.SyscallEntry e) {
        List<String> parts = new ArrayList<>();
        if (!e.ownSites().isEmpty()) {
            parts.add(e.ownSites().size() + " own site" + (e.ownSites().size() == 1 ? "" : "s"));
        }
        if (!e.importedSymbols().isEmpty()) {
            parts.add("imports " + abbreviate(e.importedSymbols(), 3));
        }
        if (!e.loaderRoots().isEmpty()) {
            parts.add("loader " + abbreviate(e.loaderRoots(), 1));
        }
        if (!e.onlyInRuntimeModules().isEmpty()) {
            parts.add("dlopen'd " + abbreviate(e.onlyInRuntimeModules(), 2));
        }
        if (!e.lookedUpByName().isEmpty()) {
            parts.add("looked up by name " + abbreviate(e.lookedUpByName(), 1));
        }
        if (parts.isEmpty() && e.viaIndirectCallsCount() > 0) {
            parts.add("indirect calls only: " + abbreviate(e.viaIndirectCalls(), 2)
                    + (e.viaIndirectCallsCount() > e.viaIndirectCalls().size()
                    ? " (" + e.viaIndirectCallsCount() + " functions)" : ""));
        }
        return String.join("; ", parts);
    }

    private static String abbreviate(List<String> l, int n) {
        if (l.size() <= n) {
            return String.join(", ", l);
        }
        return String.join(", ", l.subList(0, n)) + " +" + (l.size() - n);
    }

    public static String json(StaticResult r, boolean allSites, boolean bincompat) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("set", allSites ? "all-sites" : "function-level");
        root.put("syscallNames", Arrays.stream(chosenSet(r, allSites)).mapToObj(n -> table(r).name(n)).toList());
        if (bincompat) {
            root.put("bincompat", LoaderCompatibility.assess(r.binary()));
        }
        root.put("result", r);
        return Json.write(root);
    }

    /** Loupe's static_binary.csv: a header line, then {@code N,Y} or {@code N,N} for every number of the table. */
    public static String csv(int[] set, SyscallTable table) {
        int max = table.maxNumber();
        for (int n : set) {
            max = Math.max(max, n);
        }
        boolean[] used = new boolean[max + 1];
        for (int n : set) {
            used[n] = true;
        }
        StringBuilder sb = new StringBuilder("# syscall, used\n");
        for (int n = 0; n <= max; n++) {
            sb.append(n).append(',').append(used[n] ? 'Y' : 'N').append('\n');
        }
        return sb.toString();
    }

    /** Writes the CSV atomically, so an interrupted run leaves no half file. */
    public static void writeCsv(Path file, int[] set, SyscallTable table) throws IOException {
        Path abs = file.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        Path tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName(), ".tmp");
        try {
            Files.writeString(tmp, csv(set, table), StandardCharsets.US_ASCII);
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** The --bincompat block: loader facts, verdict and (when analysed) the syscalls the binary needs. */
    public static String bincompat(BinaryInfo b, StaticResult r) {
        LoaderCompatibility.Verdict v = LoaderCompatibility.assess(b);
        StringBuilder sb = new StringBuilder();
        sb.append("arch:         ").append(b.arch()).append('\n');
        sb.append("class:        ").append(b.elfClass()).append('\n');
        if (b.go() != null) {
            sb.append("language:     Go (").append(b.go()).append(b.cgo() ? ", cgo: calls C code" : ", no cgo: pure Go")
                    .append(")\n");
        }
        sb.append("PIE:          ").append(b.pie() ? "yes" : "no").append('\n');
        sb.append("linking:      ").append(b.kind()).append(b.bindNow() ? " (BIND_NOW)" : "").append('\n');
        sb.append("interpreter:  ").append(b.interpreter() == null ? "none" : b.interpreter()).append('\n');
        sb.append("needed:       ").append(b.needed().isEmpty() ? "none" : String.join(", ", b.needed())).append('\n');
        if (!b.rpath().isEmpty() || !b.runpath().isEmpty()) {
            sb.append("rpath/runpath: ").append(String.join(":", b.rpath())).append(" / ")
                    .append(String.join(":", b.runpath())).append('\n');
        }
        sb.append("TLS segment:  ").append(b.tls() == null ? "none" : b.tls().memorySize() + " bytes ("
                + b.tls().fileSize() + " initialised) at " + b.tls().address() + ", align " + b.tls().align()).append('\n');
        sb.append("stripped:     ").append(b.stripped() ? "yes" : "no").append('\n');
        sb.append("verdict:      ").append(v.summary()).append('\n');
        for (String need : v.requirements()) {
            sb.append("  needs ").append(need).append('\n');
        }
        if (r != null) {
            SyscallTable table = table(r);
            List<String> names = Arrays.stream(r.functionLevel()).mapToObj(table::name).toList();
            sb.append("syscalls it would need (function-level, ").append(names.size()).append("): ")
                    .append(String.join(" ", names)).append('\n');
        }
        return sb.toString();
    }
}
