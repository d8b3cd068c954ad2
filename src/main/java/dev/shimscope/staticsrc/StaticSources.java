package dev.shimscope.staticsrc;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Source-level static analysis of an application, start to end: find its {@link Recipe}, make
 * sure the {@link Toolchain} is installed, build it (or take the cached build) with
 * {@link SourceBuild}, read the IR ({@link IrParser}) and the native objects ({@link NativeCode}),
 * and run the {@link SourceAnalyzer}. Progress and build notes go to the given stream; the
 * result is returned, nothing is written except the cache.
 */
public final class StaticSources {

    /** A build and what the analysis found in it. */
    public record Analysis(SourceBuild.Built build, SourceResult result) {
    }

    private StaticSources() {
    }

    /** Builds (or takes from the cache) and analyses {@code app}. */
    public static Analysis analyze(String app, PrintWriter log) throws IOException {
        Recipe recipe = Recipe.find(app).orElse(null);
        if (recipe == null) {
            throw noRecipe(app, log);
        }
        List<String> packages = new java.util.ArrayList<>(recipe.packages());
        packages.addAll(Recipe.musl().packages());
        Toolchain toolchain = Toolchain.ensure("static --sources " + app, packages, log);
        SourceBuild builder = new SourceBuild(SourceBuild.defaultRoot(), toolchain, log,
                Math.min(2, Runtime.getRuntime().availableProcessors()));
        SourceBuild.Built built = builder.build(recipe);
        String label = Path.of(recipe.program()).getFileName() + " (Debian source " + recipe.sourcePackage() + " "
                + built.sourceVersion() + ", " + built.compiler() + ", musl " + built.musl() + ")";
        return new Analysis(built, analyzeFiles(label, built.ir(), built.natives(), built.inputs()));
    }

    /** Analyses an IR file and the disassembly of the native objects the link used ({@code inputs}: the linker's trace). */
    public static SourceResult analyzeFiles(String label, Path ir, Path nativeDisassembly, Path inputs) throws IOException {
        long t0 = System.nanoTime();
        IrModule module = IrParser.parse(ir);
        Set<String> keep = inputs == null ? null : new HashSet<>(Files.readAllLines(inputs));
        NativeCode natives = nativeDisassembly == null || !Files.exists(nativeDisassembly) ? new NativeCode()
                : NativeCode.parse(Files.readString(nativeDisassembly), keep);
        long parsed = (System.nanoTime() - t0) / 1_000_000;
        return SourceAnalyzer.analyze(label, module, natives, parsed);
    }

    private static IllegalArgumentException noRecipe(String app, PrintWriter log) {
        String known = String.join(", ", Recipe.shipped().keySet());
        boolean debianHasIt;
        try {
            Toolchain.ensure("static --sources " + app, List.of(), log);
            SourceBuild b = new SourceBuild(SourceBuild.defaultRoot(), Toolchain.locate(), log, 1);
            debianHasIt = b.hasDebianSource(app);
        } catch (IOException | RuntimeException e) {
            debianHasIt = false;
        }
        return new SourceBuild.NoSourceException(debianHasIt
                ? "no build recipe for '" + app + "' (Debian has a source package of that name; recipes exist for "
                + known + ": see docs/static-sources.md to add one)"
                : "Debian ships no source package '" + app + "' and shimscope has no build recipe for it (recipes: "
                + known + ")");
    }
}
