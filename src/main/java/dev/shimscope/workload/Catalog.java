package dev.shimscope.workload;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The shipped application catalog: {@code catalog/APP/*.yaml}, one spec per workload. An entry
 * is named after its app ({@code redis}) when the file is the app's main workload,
 * {@code benchmark.yaml} or, for an app without a benchmark, {@code workload.yaml}; else
 * {@code APP-STEM} ({@code redis-suite}). The directory is {@code $SHIMSCOPE_CATALOG}, else the
 * {@code catalog} directory of the checkout the running jar was built in.
 */
public final class Catalog {

    /** One catalog entry: its name and spec file. */
    public record Entry(String name, Path file) {
        public WorkloadSpec load() {
            return WorkloadSpecs.load(file);
        }
    }

    /** Spec file names (without .yaml) of an app's main workload, named after the app alone. */
    static final java.util.Set<String> MAIN_STEMS = java.util.Set.of("benchmark", "workload");

    private final Path dir;

    public Catalog(Path dir) {
        this.dir = dir;
    }

    /** The catalog this installation ships, if it can be found. */
    public static Optional<Catalog> shipped() {
        String env = System.getenv("SHIMSCOPE_CATALOG");
        if (env != null && !env.isBlank()) {
            return Optional.of(new Catalog(Path.of(env)));
        }
        try {
            Path jar = Path.of(Catalog.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            // target/shimscope.jar or target/classes -> the checkout
            for (Path p = jar.getParent(); p != null; p = p.getParent()) {
                if (Files.isDirectory(p.resolve("catalog")) && Files.exists(p.resolve("pom.xml"))) {
                    return Optional.of(new Catalog(p.resolve("catalog")));
                }
            }
        } catch (URISyntaxException | RuntimeException e) {
            // no code source (e.g. unusual class loader): no catalog
        }
        return Optional.empty();
    }

    public Path dir() {
        return dir;
    }

    public List<Entry> entries() {
        List<Entry> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> apps = Files.list(dir)) {
            for (Path app : apps.filter(Files::isDirectory).sorted().toList()) {
                try (Stream<Path> specs = Files.list(app)) {
                    for (Path f : specs.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                        String stem = f.getFileName().toString().replaceFirst("\\.yaml$", "");
                        String name = MAIN_STEMS.contains(stem) ? app.getFileName().toString()
                                : app.getFileName() + "-" + stem;
                        out.add(new Entry(name, f));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the catalog " + dir, e);
        }
        out.sort(java.util.Comparator.comparing(Entry::name)); // an app's main entry before its others
        return out;
    }

    /** The entry whose spec has this app, kind and workload name. */
    public Optional<Entry> findWorkload(String app, WorkloadKind kind, String workload) {
        return entries().stream().filter(e -> {
            try {
                WorkloadSpec s = e.load();
                return s.app().equals(app) && s.kind() == kind && s.workload().equals(workload);
            } catch (IllegalArgumentException bad) {
                return false;
            }
        }).findFirst();
    }

    public Optional<Entry> find(String name) {
        return entries().stream().filter(e -> e.name().equals(name)).findFirst();
    }

    /**
     * Resolves a command-line TARGET: an existing spec file, or a catalog entry name.
     */
    public static WorkloadSpec resolveTarget(String target) {
        Path asFile = Path.of(target);
        if (Files.isRegularFile(asFile) || Files.isDirectory(asFile)) {
            return WorkloadSpecs.load(asFile);
        }
        if (target.contains("/") || target.endsWith(".yaml") || target.endsWith(".yml")) {
            throw new IllegalArgumentException("spec " + target + ": no such file");
        }
        Catalog catalog = shipped().orElseThrow(() -> new IllegalArgumentException(
                "'" + target + "' is not a spec file, and no catalog was found (set SHIMSCOPE_CATALOG)"));
        return catalog.find(target).map(Entry::load).orElseThrow(() -> new IllegalArgumentException(
                "'" + target + "' is neither a spec file nor a catalog entry (see 'shimscope catalog list'; known: "
                        + String.join(", ", catalog.entries().stream().map(Entry::name).toList()) + ")"));
    }
}
