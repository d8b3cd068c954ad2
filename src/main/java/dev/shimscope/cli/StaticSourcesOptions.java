package dev.shimscope.cli;

import dev.shimscope.report.StaticReport;
import dev.shimscope.report.StaticSourcesReport;
import dev.shimscope.staticsrc.SourceBuild;
import dev.shimscope.staticsrc.StaticSources;
import dev.shimscope.staticsrc.StoredSources;
import dev.shimscope.store.ResultStore;
import dev.shimscope.store.StoredRun;
import dev.shimscope.syscall.SyscallTable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;

/**
 * The {@code --sources APP} option of {@code static} and its wiring: source-level analysis of
 * APP built from its Debian source (see docs/static-sources.md), the result printed like the
 * binary-level one, written as Loupe's static_sources.csv on request and always stored in the
 * results store beside APP's dynamic results.
 */
final class StaticSourcesOptions {

    @Option(names = "--sources", paramLabel = "APP", description = {
            "Source-level analysis instead: build APP from its Debian source with clang as whole-program",
            "LLVM IR against musl (cached), follow its call graph, and store the set (static_sources)."})
    String app;

    @Mixin
    DbOption db;

    boolean requested() {
        return app != null;
    }

    int run(Path binary, boolean json, Path csv, boolean bincompat, boolean allSites, java.io.PrintWriter out,
            java.io.PrintWriter err) throws Exception {
        if (binary != null) {
            throw new IllegalArgumentException("give either BINARY or --sources APP, not both");
        }
        if (bincompat || allSites) {
            throw new IllegalArgumentException((bincompat ? "--bincompat" : "--all-sites") + " applies to binaries, not to --sources");
        }
        dev.shimscope.io.InputFiles.requireWritable(csv, "the CSV");
        StaticSources.Analysis a;
        try {
            a = StaticSources.analyze(app, err);
        } catch (SourceBuild.BuildException e) {
            err.println("shimscope: last lines of the build log:");
            e.tail().forEach(l -> err.println("  " + l));
            err.flush();
            throw e;
        }
        List<StoredRun> stored = StoredSources.save(ResultStore.openOrCreate(db.location()), app,
                new TreeSet<>(a.result().names()), StaticSourcesReport.provenance(a));
        if (csv != null) {
            StaticReport.writeCsv(csv, a.result().numbers(), SyscallTable.x86_64());
        }
        out.print(json ? StaticSourcesReport.json(a) : StaticSourcesReport.text(a));
        for (StoredRun r : stored) {
            err.println("stored in " + r.dir());
        }
        return 0;
    }
}
