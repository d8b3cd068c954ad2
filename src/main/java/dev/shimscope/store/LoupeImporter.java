package dev.shimscope.store;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shimscope.ToolVersion;
import dev.shimscope.syscall.Arch;
import dev.shimscope.syscall.SyscallTable;
import dev.shimscope.workload.WorkloadKind;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads a Loupe results database as it is ({@code APP/{benchmark|suite}-WORKLOAD/ID/data/*.csv},
 * root-level files such as {@code *.syscalls} ignored) into profiles marked as imported. Every
 * file is read and checked before anything is written, so a bad file stops the import with an
 * error naming it. A run without any of the three CSVs is skipped with a note; a run without
 * {@code dyn.csv} but with static results is imported without dynamic data.
 */
final class LoupeImporter {

    /** Loupe's run id for data that predates its Dockerfile-hash run directories. */
    static final String LEGACY_RUN_ID = "imported";

    /** The value of {@code tool_version} for imported runs. */
    static final String TOOL = "loupe";

    private static final Pattern HASH = Pattern.compile("[0-9a-f]{32,64}");

    /** One run found in the Loupe database, with its directory there. */
    record LoupeRun(Profile profile, Path source) {
    }

    /** Everything found: runs, and what was skipped with the reason. */
    record Scan(List<LoupeRun> runs, List<String> skipped) {
    }

    private LoupeImporter() {
    }

    static Scan scan(Path loupeDb, Instant importTime) throws IOException {
        if (!Files.exists(loupeDb)) {
            throw new NoSuchFileException(loupeDb.toString(), null, "no such Loupe database");
        }
        if (!Files.isDirectory(loupeDb)) {
            throw new IllegalArgumentException(loupeDb + " is not a directory; expected a Loupe database"
                    + " (a directory of APP/WORKLOAD/RUN/data/dyn.csv, like loupedb's)");
        }
        SyscallTable table = SyscallTable.of(Arch.X86_64);
        Path root = loupeDb.toAbsolutePath().normalize();
        List<LoupeRun> runs = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (Path appDir : subdirectories(root)) {
            String app = appDir.getFileName().toString();
            for (Path workloadDir : subdirectories(appDir)) {
                String wlName = workloadDir.getFileName().toString();
                WorkloadKind.Dir wl = WorkloadKind.parseDir(wlName);
                if (wl == null) {
                    throw new IllegalArgumentException("Loupe database " + root + ": " + app + "/" + wlName
                            + " is not a workload directory (expected benchmark-NAME, suite or suite-NAME)");
                }
                for (Path runDir : subdirectories(workloadDir)) {
                    LoupeRun run = readRun(root, app, wl, runDir, table, importTime, skipped);
                    if (run != null) {
                        runs.add(run);
                    }
                }
            }
        }
        if (runs.isEmpty()) {
            throw new IllegalArgumentException(root + " holds no Loupe results (expected "
                    + "APP/benchmark-NAME/ID/data/dyn.csv); is it a Loupe database?");
        }
        return new Scan(runs, skipped);
    }

    private static LoupeRun readRun(Path root, String app, WorkloadKind.Dir wl, Path runDir, SyscallTable table,
                                    Instant importTime, List<String> skipped) throws IOException {
        String id = runDir.getFileName().toString();
        String where = root.relativize(runDir).toString();
        Path data = runDir.resolve("data");
        Path dyn = data.resolve("dyn.csv");
        Path staticBinary = data.resolve("static_binary.csv");
        Path staticSources = data.resolve("static_sources.csv");
        if (!Files.isRegularFile(dyn) && !Files.isRegularFile(staticBinary) && !Files.isRegularFile(staticSources)) {
            skipped.add(where + ": no data/dyn.csv, static_binary.csv or static_sources.csv");
            return null;
        }
        ObjectNode loupe = JsonNodeFactory.instance.objectNode();
        loupe.put("source", runDir.toString());
        loupe.put("run_id_kind", id.equals(LEGACY_RUN_ID) ? "imported (predates Loupe's hashed run directories)"
                : HASH.matcher(id).matches() ? "hash of the run's Dockerfile" : "other");
        var notes = loupe.putArray("notes");
        LoupeCsv.DynamicData dynamic = null;
        if (Files.isRegularFile(dyn)) {
            dynamic = LoupeCsv.readDynamic(dyn, table);
            dynamic.notes().forEach(notes::add);
        } else {
            notes.add("no data/dyn.csv: static results only");
        }
        SortedSet<String> binary = Files.isRegularFile(staticBinary) ? LoupeCsv.readStatic(staticBinary, table) : null;
        SortedSet<String> sources = Files.isRegularFile(staticSources) ? LoupeCsv.readStatic(staticSources, table) : null;
        ObjectNode details = JsonNodeFactory.instance.objectNode();
        details.set("loupe", loupe);
        details.put("imported_by", "shimscope " + ToolVersion.get());
        try {
            Profile p = new Profile(app, wl.kind(), wl.workload(), id, importTime, TOOL, true, Arch.X86_64,
                    dynamic == null ? null : new java.util.TreeSet<>(dynamic.verdicts().keySet()),
                    dynamic == null ? null : dynamic.verdicts(), binary, sources, details);
            return new LoupeRun(p, runDir);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Loupe database " + root + ": " + where + ": " + e.getMessage(), e);
        }
    }

    /** Non-hidden subdirectories, sorted by name (files are ignored, as Loupe does). */
    static List<Path> subdirectories(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(Files::isDirectory)
                    .sorted()
                    .toList();
        }
    }
}
