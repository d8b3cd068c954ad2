package dev.shimscope.explore;

import dev.shimscope.model.ShimConfiguration.PathRule;
import dev.shimscope.model.ShimConfiguration;
import dev.shimscope.model.Treatment;
import dev.shimscope.syscall.Syscall;
import dev.shimscope.syscall.args.ArgumentValue;

import java.util.Map;

/**
 * One experiment: the workload with one thing changed, everything else real. A syscall stubbed
 * or faked; below it, only the calls with one argument value stubbed or faked ({@code value});
 * or one file missing or empty ({@code path}, then {@code syscall} and {@code treatment} are
 * null).
 */
public record Experiment(Syscall syscall, Treatment treatment, ArgumentValue value, PathRule path) {

    public Experiment(Syscall syscall, Treatment treatment) {
        this(syscall, treatment, null, null);
    }

    /** The calls of {@code syscall} with {@code value} treated as {@code treatment}. */
    public static Experiment of(Syscall syscall, ArgumentValue value, Treatment treatment) {
        return new Experiment(syscall, treatment, value, null);
    }

    /** One file missing or empty. */
    public static Experiment of(PathRule path) {
        return new Experiment(null, null, null, path);
    }

    /** The experiment's configuration: the open world with this one thing changed. */
    public ShimConfiguration configuration() {
        if (path != null) {
            return ShimConfiguration.openWorld(Map.of()).with(path);
        }
        if (value != null) {
            return ShimConfiguration.openWorld(Map.of()).with(new ShimConfiguration.ArgumentRule(syscall, value, treatment));
        }
        return ShimConfiguration.openWorld(Map.of(syscall, treatment));
    }

    /** The journal's key: {@code NUMBER/TREATMENT}, {@code NUMBER/TREATMENT/LABEL=NAME} or {@code path/KIND/PATH}. */
    public String key() {
        if (path != null) {
            return "path/" + path.treatment().id() + "/" + path.path();
        }
        return syscall.number() + "/" + treatment.id() + (value != null ? "/" + value.id() : "");
    }

    @Override
    public String toString() {
        if (path != null) {
            return path.path() + " " + path.treatment().id();
        }
        return treatment.id() + " " + syscall.name() + (value != null ? " " + value.id() : "");
    }
}
