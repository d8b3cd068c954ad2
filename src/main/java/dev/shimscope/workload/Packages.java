package dev.shimscope.workload;

import dev.shimscope.sandbox.HostTools;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The Debian packages a workload needs: which are missing (dpkg-query), and installing them
 * (apt-get, as root). Without root nothing is installed: {@link #ensureInstalled} fails with the
 * exact command to run, so a missing package is never silently skipped. While apt-get runs, a
 * temporary {@code /usr/sbin/policy-rc.d} keeps it from starting the services it installs
 * (nginx, redis, memcached on their default ports), as tools/install-deps.sh does.
 */
public final class Packages {

    private static final Path POLICY_RC_D = Path.of("/usr/sbin/policy-rc.d");
    private static final long APT_TIMEOUT_MINUTES = 20;

    private Packages() {
    }

    /** Thrown when packages are missing and cannot be installed; the message says how to install them. */
    public static final class MissingPackagesException extends IllegalStateException {
        private final List<String> missing;

        MissingPackagesException(String message, List<String> missing) {
            super(message);
            this.missing = List.copyOf(missing);
        }

        public List<String> missing() {
            return missing;
        }
    }

    /** The packages of {@code packages} that are not installed, in the given order. */
    public static List<String> missing(List<String> packages) {
        if (packages.isEmpty()) {
            return List.of();
        }
        if (HostTools.find("dpkg-query").isEmpty()) {
            throw new IllegalStateException("cannot check the Debian packages " + String.join(" ", packages)
                    + ": dpkg-query not found (the catalog's workloads need a Debian system)");
        }
        List<String> cmd = new ArrayList<>(List.of("dpkg-query", "-W", "-f", "${Package}\\t${db:Status-Status}\\n"));
        cmd.addAll(packages);
        // dpkg-query exits 1 when a package is unknown; its output still lists the known ones
        String out = run(cmd, false).output();
        Set<String> installed = new HashSet<>();
        for (String line : out.split("\n")) {
            String[] f = line.split("\t");
            if (f.length == 2 && f[1].equals("installed")) {
                installed.add(f[0].replaceFirst(":.*$", ""));
            }
        }
        return packages.stream().filter(p -> !installed.contains(p)).toList();
    }

    /** The command that installs the packages, as a user should type it. */
    public static String installCommand(List<String> packages, boolean asRoot) {
        return (asRoot ? "" : "sudo ") + "apt-get install -y " + String.join(" ", packages);
    }

    /**
     * Makes sure the spec's packages are installed: installs the missing ones with apt-get when
     * running as root (progress on {@code log}), else fails with the command to run.
     */
    public static void ensureInstalled(WorkloadSpec spec, PrintWriter log) {
        ensureInstalled(spec.app() + "/" + spec.workload(), spec.packages(), log);
    }

    /** As {@link #ensureInstalled(WorkloadSpec, PrintWriter)}, for {@code what} (named in messages) needing {@code packages}. */
    public static void ensureInstalled(String what, List<String> packages, PrintWriter log) {
        List<String> missing = missing(packages);
        if (missing.isEmpty()) {
            return;
        }
        if (!HostTools.isRoot()) {
            throw new MissingPackagesException(what + " needs Debian packages that are not installed; run: "
                    + installCommand(missing, false), missing);
        }
        log.println("shimscope: " + what + " needs " + String.join(" ", missing) + "; installing: "
                + installCommand(missing, true));
        log.flush();
        install(missing);
        List<String> still = missing(missing);
        if (!still.isEmpty()) {
            throw new MissingPackagesException("apt-get did not install " + String.join(" ", still)
                    + "; try by hand: " + installCommand(still, true), still);
        }
    }

    /** Installs packages with apt-get (root only); refreshes the package lists once if apt cannot find them. */
    static void install(List<String> packages) {
        boolean policyAdded = false;
        try {
            if (!Files.exists(POLICY_RC_D)) {
                Files.writeString(POLICY_RC_D, "#!/bin/sh\n# added by shimscope while it installs packages\nexit 101\n");
                Files.setPosixFilePermissions(POLICY_RC_D, PosixFilePermissions.fromString("rwxr-xr-x"));
                policyAdded = true;
            }
            List<String> install = new ArrayList<>(List.of("apt-get", "install", "-y", "-q", "--no-install-recommends"));
            install.addAll(packages);
            Result first = run(install, true);
            if (first.status() != 0) {
                // a fresh machine has no package lists yet (or stale ones): update and try once more
                Result update = run(List.of("apt-get", "update", "-q"), true);
                if (update.status() != 0) {
                    throw new IllegalStateException("apt-get update failed: " + lastLine(update.output()));
                }
                Result second = run(install, true);
                if (second.status() != 0) {
                    throw new IllegalStateException("apt-get install failed: " + lastLine(second.output())
                            + " (command: " + String.join(" ", install) + ")");
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot install " + String.join(" ", packages) + ": " + e.getMessage(), e);
        } finally {
            if (policyAdded) {
                try {
                    Files.deleteIfExists(POLICY_RC_D);
                } catch (IOException e) {
                    // left behind: it only keeps apt from starting services
                }
            }
        }
    }

    private record Result(int status, String output) {
    }

    private static Result run(List<String> command, boolean apt) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            if (apt) {
                pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
            }
            pb.redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(APT_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not end within "
                        + APT_TIMEOUT_MINUTES + " minutes");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command.getFirst() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + command.getFirst(), e);
        }
    }

    private static String lastLine(String s) {
        return s.strip().lines().reduce((a, b) -> b).orElse("(no output)");
    }
}
