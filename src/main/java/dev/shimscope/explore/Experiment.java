package dev.shimscope.explore;

import dev.shimscope.model.ShimConfiguration;
import dev.shimscope.model.Treatment;
import dev.shimscope.syscall.Syscall;

import java.util.Map;

/** One experiment: the workload with one syscall stubbed or faked, everything else real. */
public record Experiment(Syscall syscall, Treatment treatment) {

    /** The experiment's configuration: the open world with this one syscall treated. */
    public ShimConfiguration configuration() {
        return ShimConfiguration.openWorld(Map.of(syscall, treatment));
    }

    /** The journal's key: {@code NUMBER/TREATMENT}. */
    public String key() {
        return syscall.number() + "/" + treatment.id();
    }

    @Override
    public String toString() {
        return treatment.id() + " " + syscall.name();
    }
}
