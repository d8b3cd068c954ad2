package dev.shimscope.cli;

import dev.shimscope.model.OsDescription;
import dev.shimscope.plan.AppNeeds;
import dev.shimscope.plan.ArchTranslation;
import dev.shimscope.plan.WorkloadSelection;
import dev.shimscope.syscall.Arch;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * {@code --apps}, {@code --workload} and {@code --arch}: which stored applications and workloads
 * plan and score count, and in which architecture's syscall names.
 */
final class AppSelectionOptions {

    @Option(names = "--apps", paramLabel = "LIST", defaultValue = "*",
            description = "Comma-separated applications, or '*' for all (default).")
    String apps;

    @Option(names = "--workload", paramLabel = "bench|suite|both", defaultValue = "bench",
            description = "Which workloads count (default ${DEFAULT-VALUE}); with both, an app must pass all it has.")
    WorkloadSelection workload;

    @Option(names = "--arch", paramLabel = "x86_64|aarch64", defaultValue = "x86_64",
            description = "Plan or score in this architecture's syscalls (default ${DEFAULT-VALUE}); aarch64 uses the "
                    + "generic table: x86_64-only calls become what the C library calls there (open -> openat ...).")
    String arch;

    Arch arch() {
        return Arch.parse(arch);
    }

    /** An OS support list (file or shipped name) in the selected architecture's names. */
    OsDescription support(String pathOrName) throws IOException {
        return ArchTranslation.support(arch(), OsDescription.load(pathOrName));
    }

    WorkloadSelection selection() {
        return workload;
    }

    /** The needs of the selected applications in the store. */
    List<AppNeeds> needs(DbOption db) throws IOException {
        WorkloadSelection selection = selection();
        List<String> names = Arrays.stream(apps.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        if (names.isEmpty()) {
            throw new IllegalArgumentException("--apps is empty; give application names or '*'");
        }
        Arch a = arch();
        return ArchTranslation.needs(a, AppNeeds.select(db.open().read(), names, selection));
    }
}
