package dev.shimscope.cli;

import dev.shimscope.io.InputFiles;
import dev.shimscope.model.Json;
import dev.shimscope.report.StaticReport;
import dev.shimscope.staticbin.BinaryAnalyzer;
import dev.shimscope.staticbin.BinaryInfo;
import dev.shimscope.staticbin.LoaderCompatibility;
import dev.shimscope.staticbin.StaticResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "static", description = {
        "Find the syscalls an ELF binary and its shared libraries can make, without running it.",
        "Syscall sites, call graphs linked by symbol across libraries, with provenance per syscall; or, with"
                + " --sources APP, of APP built from its Debian source as whole-program LLVM IR with musl."})
final class StaticCommand implements Callable<Integer> {

    @Option(names = "--json", description = "Print everything as JSON.")
    boolean json;

    @Option(names = "--csv", paramLabel = "FILE", description = "Write the set in Loupe's static_binary.csv format.")
    Path csv;

    @Option(names = "--bincompat", description = "Report ELF-loader facts (arch, PIE, interpreter, TLS, Go) and a verdict for a PIE loader of the binary's architecture.")
    boolean bincompat;

    @Option(names = "--all-sites", description = "Use every site of every loaded module (the plain upper bound) instead of the function-level set.")
    boolean allSites;

    @Option(names = "--module", paramLabel = "FILE|DIR", description = {
            "A shared object the program opens with dlopen (a directory: every one in it); repeatable.",
            "Analysed with its own libraries; reported per module."})
    List<Path> modules = new ArrayList<>();

    @Option(names = "--no-presets", description = "Do not add the dlopen'd modules a program is known to use "
            + "(python's lib-dynload, glibc's NSS and gconv modules).")
    boolean noPresets;

    @Option(names = "--sysroot", paramLabel = "DIR", description = {
            "The root filesystem the binary's libraries and interpreter come from; a dynamic aarch64 binary",
            "needs one (Debian's arm64 packages unpacked, a board's root filesystem, /usr/aarch64-linux-gnu)."})
    Path sysroot;

    @Mixin
    StaticSourcesOptions sources;

    @Parameters(arity = "0..1", paramLabel = "BINARY", description = "The ELF executable to analyse.")
    Path binary;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (sources.requested()) {
            return sources.run(binary, json, csv, bincompat, allSites, spec.commandLine().getOut(), spec.commandLine().getErr());
        }
        if (binary == null) {
            throw new IllegalArgumentException("missing BINARY (or --sources APP); see 'shimscope static --help'");
        }
        // before any work: a FIFO would block the reader, a missing directory would be created late
        InputFiles.requireRegular(binary, "an ELF binary");
        InputFiles.requireWritable(csv, "the CSV");
        if (bincompat) {
            BinaryInfo info = BinaryAnalyzer.describe(binary);
            if (!info.arch().equals("x86_64") && !info.isStatic() && sysroot == null) {
                // the verdict needs no disassembly; the syscalls need the binary's own libraries
                if (csv != null) {
                    throw new IllegalArgumentException(binary + " is a dynamically linked " + info.arch()
                            + " ELF; --csv needs its libraries: give --sysroot DIR");
                }
                if (json) {
                    Map<String, Object> root = new LinkedHashMap<>();
                    root.put("binary", info);
                    root.put("bincompat", LoaderCompatibility.assess(info));
                    System.out.print(Json.write(root));
                } else {
                    System.out.print(StaticReport.bincompat(info, null));
                }
                return 0;
            }
        }
        StaticResult result = BinaryAnalyzer.standard().analyze(binary,
                new BinaryAnalyzer.Options(List.copyOf(modules), !noPresets, sysroot));
        if (csv != null) {
            StaticReport.writeCsv(csv, StaticReport.chosenSet(result, allSites), StaticReport.table(result));
        }
        if (json) {
            System.out.print(StaticReport.json(result, allSites, bincompat));
        } else if (bincompat) {
            System.out.print(StaticReport.bincompat(result.binary(), result));
        } else {
            System.out.print(StaticReport.text(result, allSites));
        }
        return 0;
    }
}
