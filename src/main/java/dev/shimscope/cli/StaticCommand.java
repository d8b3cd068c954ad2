package dev.shimscope.cli;

import dev.shimscope.report.Json;
import dev.shimscope.report.StaticReport;
import dev.shimscope.staticbin.BinaryAnalyzer;
import dev.shimscope.staticbin.BinaryInfo;
import dev.shimscope.staticbin.LoaderCompatibility;
import dev.shimscope.staticbin.StaticResult;
import dev.shimscope.syscall.SyscallTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "static", description = {
        "Find the syscalls an ELF binary and the shared libraries it loads can make, without running it:",
        "syscall sites, call graphs linked by symbol across libraries, with provenance per syscall;",
        "or, with --sources APP, of APP built from its Debian source as whole-program LLVM IR with musl."})
final class StaticCommand implements Callable<Integer> {

    @Option(names = "--json", description = "Print everything as JSON.")
    boolean json;

    @Option(names = "--csv", paramLabel = "FILE", description = "Write the set in Loupe's static_binary.csv format.")
    Path csv;

    @Option(names = "--bincompat", description = "Report ELF-loader facts (arch, PIE, interpreter, TLS) and a verdict for a loader that needs x86_64 PIE.")
    boolean bincompat;

    @Option(names = "--all-sites", description = "Use every site of every loaded module (the plain upper bound) instead of the function-level set.")
    boolean allSites;

    @Mixin
    StaticSourcesOptions sources;

    @Parameters(arity = "0..1", paramLabel = "BINARY", description = "The ELF executable to analyse.")
    Path binary;

    @Override
    public Integer call() throws Exception {
        if (sources.requested()) {
            return sources.run(binary, json, csv, bincompat, allSites);
        }
        if (binary == null) {
            throw new IllegalArgumentException("missing BINARY (or --sources APP); see 'shimscope static --help'");
        }
        if (bincompat) {
            BinaryInfo info = BinaryAnalyzer.describe(binary);
            if (!info.arch().equals("x86_64")) {
                // the verdict needs no disassembly; syscall analysis is x86_64 only
                if (csv != null) {
                    throw new IllegalArgumentException(binary + " is an " + info.arch()
                            + " ELF; --csv needs syscall analysis, which supports x86_64 only");
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
        StaticResult result = BinaryAnalyzer.standard().analyze(binary);
        if (csv != null) {
            StaticReport.writeCsv(csv, StaticReport.chosenSet(result, allSites), SyscallTable.x86_64());
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
