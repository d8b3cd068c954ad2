package dev.shimscope.sandbox;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One command to run in a sandbox: the command line, its environment and working directory,
 * host paths to expose read-only, directories to copy fresh into the run and mount writable,
 * extra files for the run's control directory, a time limit, and optionally a seccomp filter
 * with the place where it applies.
 *
 * @param command      argv; the program is looked up on PATH inside the sandbox
 * @param env          variables added to the sandbox's minimal environment
 * @param workDir      working directory inside the sandbox (null: the run's scratch directory)
 * @param timeout      after this the whole run is killed
 * @param readOnly     host paths made visible at the same path (the root file system already is,
 *                     except /tmp, /var/tmp and /run, which are private)
 * @param writable     host directories or files copied into the run and mounted writable at
 *                     their original path, so every run starts from the same state
 * @param filter       a filter to apply, or null
 * @param filterScope  where the filter applies
 * @param onlyBinary   for {@link FilterScope#ONLY_BINARY}: the executable whose processes are filtered
 * @param controlFiles extra files placed in the control directory ({@code /run/shimscope}, read-only)
 * @param replacements host files mounted read-only over other paths inside the run (target to
 *                     source), e.g. {@code /bin/false} over an application's binary to prove a
 *                     workload's check notices a broken application
 */
public record RunSpec(
        List<String> command,
        Map<String, String> env,
        Path workDir,
        Duration timeout,
        List<Path> readOnly,
        List<Path> writable,
        SeccompFilter filter,
        FilterScope filterScope,
        Path onlyBinary,
        Map<String, String> controlFiles,
        Map<Path, Path> replacements) {

    /** Where a filter is applied. */
    public enum FilterScope {
        /** The command and everything it starts. */
        COMMAND,
        /** Only processes executing {@code onlyBinary} (and their children). */
        ONLY_BINARY,
        /** Nowhere by itself: the command uses {@link Sandbox#LOADER} and {@link Sandbox#FILTER} itself. */
        CALLER
    }

    public RunSpec {
        command = List.copyOf(command);
        if (command.isEmpty()) {
            throw new IllegalArgumentException("empty command");
        }
        env = Map.copyOf(env);
        readOnly = List.copyOf(readOnly);
        writable = List.copyOf(writable);
        controlFiles = Map.copyOf(controlFiles);
        replacements = Map.copyOf(replacements);
        Objects.requireNonNull(timeout);
        if (filter != null && filterScope == FilterScope.ONLY_BINARY && onlyBinary == null) {
            throw new IllegalArgumentException("ONLY_BINARY needs the binary");
        }
    }

    public static Builder of(List<String> command) {
        return new Builder(command);
    }

    public static Builder of(String... command) {
        return new Builder(List.of(command));
    }

    public Builder toBuilder() {
        Builder b = new Builder(command);
        b.env.putAll(env);
        b.workDir = workDir;
        b.timeout = timeout;
        b.readOnly.addAll(readOnly);
        b.writable.addAll(writable);
        b.filter = filter;
        b.filterScope = filterScope;
        b.onlyBinary = onlyBinary;
        b.controlFiles.putAll(controlFiles);
        b.replacements.putAll(replacements);
        return b;
    }

    public static final class Builder {
        private List<String> command;
        private final Map<String, String> env = new LinkedHashMap<>();
        private Path workDir;
        private Duration timeout = Duration.ofMinutes(10);
        private final List<Path> readOnly = new ArrayList<>();
        private final List<Path> writable = new ArrayList<>();
        private SeccompFilter filter;
        private FilterScope filterScope = FilterScope.COMMAND;
        private Path onlyBinary;
        private final Map<String, String> controlFiles = new LinkedHashMap<>();
        private final Map<Path, Path> replacements = new LinkedHashMap<>();

        private Builder(List<String> command) {
            this.command = command;
        }

        public Builder command(List<String> command) {
            this.command = command;
            return this;
        }

        public Builder env(String name, String value) {
            env.put(name, value);
            return this;
        }

        public Builder env(Map<String, String> vars) {
            env.putAll(vars);
            return this;
        }

        public Builder workDir(Path dir) {
            this.workDir = dir;
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        public Builder readOnly(Path path) {
            readOnly.add(path);
            return this;
        }

        public Builder writable(Path path) {
            writable.add(path);
            return this;
        }

        /** Applies {@code filter} to the command and all it starts. */
        public Builder filter(SeccompFilter filter) {
            return filter(filter, FilterScope.COMMAND, null);
        }

        public Builder filter(SeccompFilter filter, FilterScope scope, Path onlyBinary) {
            this.filter = filter;
            this.filterScope = scope;
            this.onlyBinary = onlyBinary;
            return this;
        }

        public Builder controlFile(String name, String content) {
            controlFiles.put(name, content);
            return this;
        }

        /** Mounts {@code source} read-only over {@code target} (resolved through symlinks) in the run. */
        public Builder replace(Path target, Path source) {
            replacements.put(target, source);
            return this;
        }

        public RunSpec build() {
            return new RunSpec(command, env, workDir, timeout, readOnly, writable, filter, filterScope,
                    onlyBinary, controlFiles, replacements);
        }
    }
}
