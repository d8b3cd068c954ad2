package dev.shimscope.cli;

import dev.shimscope.io.InputFiles;
import dev.shimscope.model.Suggestions;
import dev.shimscope.plan.WorkloadSelection;
import dev.shimscope.report.SeccompProfile;
import dev.shimscope.sandbox.Sandbox;
import dev.shimscope.store.Profile;
import dev.shimscope.store.StoreSnapshot;
import dev.shimscope.workload.Catalog;
import dev.shimscope.workload.WorkloadOutcome;
import dev.shimscope.workload.WorkloadRunner;
import dev.shimscope.workload.WorkloadSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "seccomp-profile", description = {
        "Write an OCI/Docker seccomp profile for an application from its stored results.",
        "From a verified shim plan: exactly that plan (allow, ENOSYS, 0) with ENOSYS for every other syscall;"
                + " without one, from the verdicts: allow what is required, ENOSYS for stubs, 0 for fakes, EPERM for"
                + " everything else."})
final class SeccompProfileCommand implements Callable<Integer> {

    @Mixin
    DbOption db;

    @Parameters(index = "0", paramLabel = "APP", description = "The application.")
    String app;

    @Option(names = "--workload", paramLabel = "bench|suite|both", defaultValue = "both",
            description = "Which workloads the profile must pass (default ${DEFAULT-VALUE}: every one the app has).")
    WorkloadSelection workload;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the profile here (default: standard output).")
    Path output;

    @Option(names = "--verify", paramLabel = "N", arity = "0..1", fallbackValue = "3", description = {
            "Run each workload N times (default 3) in the sandbox under exactly this profile and say whether",
            "it passes (the workload is the catalog entry of the same app and workload, or --spec)."})
    Integer verify;

    @Option(names = "--spec", paramLabel = "TARGET", description = "The spec file or catalog name to verify with.")
    String verifySpec;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (verify != null) {
            OptionChecks.range(spec, "--verify", verify, 1, 100);
        }
        InputFiles.requireWritable(output, "the profile");
        WorkloadSelection selection = workload;
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
        return verify == null ? 0 : verify(profile, chosen);
    }

    /** Runs every chosen workload under the profile's exact policy; non-zero if one fails. */
    private int verify(SeccompProfile profile, List<Profile> chosen) throws Exception {
        Sandbox sandbox = Sandbox.create();
        boolean allPassed = true;
        for (Profile p : chosen) {
            WorkloadSpec workload = verifySpec != null ? Catalog.resolveTarget(verifySpec)
                    : Catalog.shipped().flatMap(c -> c.findWorkload(p.app(), p.kind(), p.workload()))
                    .map(Catalog.Entry::load)
                    .orElseThrow(() -> new IllegalArgumentException("no catalog entry for " + p.app() + " "
                            + p.workloadDir() + " to verify with; give one with --spec"));
            WorkloadRunner runner = new WorkloadRunner(sandbox, workload, null);
            runner.check();
            for (int i = 1; i <= verify; i++) {
                WorkloadOutcome o = runner.run(WorkloadRunner.Options.filtered(profile.toFilter()));
                allPassed &= o.passed();
                spec.commandLine().getErr().println("verify " + workload.id() + " run " + i + ": "
                        + (o.passed() ? "PASS" : "FAIL (" + o.failure() + ")"));
            }
        }
        spec.commandLine().getErr().println(allPassed ? "the profile passes every workload"
                : "the profile does NOT pass: re-explore on this machine, or edit the profile");
        return allPassed ? 0 : 1;
    }
}
