package dev.shimscope.cli;

import dev.shimscope.plan.AppNeeds;
import dev.shimscope.plan.WorkloadSelection;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/** {@code --apps} and {@code --workload}: which stored applications and workloads plan and score count. */
final class AppSelectionOptions {

    @Option(names = "--apps", paramLabel = "LIST", defaultValue = "*",
            description = "Comma-separated applications, or '*' for all (default).")
    String apps;

    @Option(names = "--workload", paramLabel = "bench|suite|both", defaultValue = "bench",
            description = "Which workloads count (default ${DEFAULT-VALUE}); with both, an app must pass all it has.")
    WorkloadSelection workload;

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
        return AppNeeds.select(db.open().read(), names, selection);
    }
}
