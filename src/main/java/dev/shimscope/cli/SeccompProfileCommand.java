package dev.shimscope.cli;

import dev.shimscope.report.SeccompProfile;
import dev.shimscope.store.Profile;
import dev.shimscope.store.StoreSnapshot;
import dev.shimscope.store.Suggestions;
import dev.shimscope.plan.WorkloadSelection;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "seccomp-profile", description = {
        "An OCI/Docker seccomp profile (JSON) for an application from its stored results: allow what is",
        "required, ENOSYS for what can be stubbed, 0 for what only works faked, EPERM for the rest."})
final class SeccompProfileCommand implements Callable<Integer> {

    @Mixin
    DbOption db;

    @Parameters(index = "0", paramLabel = "APP", description = "The application.")
    String app;

    @Option(names = "--workload", paramLabel = "bench|suite|both", defaultValue = "both",
            description = "Which workloads the profile must pass (default ${DEFAULT-VALUE}: every one the app has).")
    String workload;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the profile here (default: standard output).")
    Path output;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        WorkloadSelection selection = WorkloadSelection.parse(workload);
        StoreSnapshot snapshot = db.open().read();
        List<Profile> profiles = snapshot.latestByApp().get(app);
        if (profiles == null) {
            throw new IllegalArgumentException("no app '" + app + "' in results store " + db.location()
                    + Suggestions.hint(app, snapshot.latestByApp().keySet()) + "; see 'shimscope db list'");
        }
        List<Profile> chosen = profiles.stream().filter(p -> selection.includes(p.kind())).toList();
        if (chosen.isEmpty()) {
            throw new IllegalArgumentException("app '" + app + "' has no " + selection.id() + " results (it has: "
                    + String.join(", ", profiles.stream().map(Profile::workloadDir).toList()) + ")");
        }
        SeccompProfile profile = SeccompProfile.of(app, chosen);
        if (output == null) {
            spec.commandLine().getOut().print(profile.json());
            spec.commandLine().getOut().flush();
        } else {
            Path abs = output.toAbsolutePath();
            Files.createDirectories(abs.getParent());
            Path tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName(), ".tmp");
            try {
                Files.writeString(tmp, profile.json(), StandardCharsets.UTF_8);
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        spec.commandLine().getErr().println("seccomp profile for " + profile.summary()
                + (output == null ? "" : " -> " + output));
        spec.commandLine().getErr().flush();
        return 0;
    }
}
