package dev.shimscope.plan;

import dev.shimscope.model.OsDescription;
import dev.shimscope.syscall.Arch;
import dev.shimscope.testing.Cli;
import dev.shimscope.testing.LoupeData;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** Needs measured on x86_64 planned and scored with aarch64's (generic) syscall table. */
class ArchTranslationTest {

    @Test
    void x86OnlyCallsBecomeTheirAarch64CounterpartsAndNeedsCombine() {
        AppNeeds app = new AppNeeds("app", List.of("bench"), new TreeMap<>(Map.of("open", Need.FAKE, "openat", Need.STUB,
                "fork", Need.IMPLEMENT, "arch_prctl", Need.IMPLEMENT, "read", Need.STUB, "stat", Need.STUB,
                "newfstatat", Need.STUB)));
        AppNeeds a = ArchTranslation.needs(Arch.AARCH64, List.of(app)).getFirst();
        // open (fake) and openat (stub) meet in openat: an OS answers one way, so it must implement it
        assertThat(a.needs()).containsEntry("openat", Need.IMPLEMENT).containsEntry("clone", Need.IMPLEMENT)
                .containsEntry("read", Need.STUB).containsEntry("newfstatat", Need.STUB)
                .doesNotContainKeys("open", "fork", "stat", "arch_prctl");
        assertThat(ArchTranslation.needs(Arch.X86_64, List.of(app)).getFirst()).isEqualTo(app);
        assertThat(ArchTranslation.name(Arch.AARCH64, "iopl")).isEmpty();
        assertThat(ArchTranslation.name(Arch.AARCH64, "poll")).contains("ppoll");
    }

    @Test
    void osListsKeepTheNamesTheArchitectureHas() {
        OsDescription unikraft = OsDescription.shipped("unikraft");
        OsDescription arm = ArchTranslation.support(Arch.AARCH64, unikraft);
        assertThat(unikraft.implemented()).contains("open", "openat");
        assertThat(arm.implemented()).contains("openat").doesNotContain("open", "arch_prctl");
        assertThat(arm.implemented()).isSubsetOf(unikraft.implemented());
        assertThat(arm.source()).contains("aarch64");
    }

    @Test
    void planAndScoreTakeArch() {
        String db = LoupeData.importedStore().toString();
        Cli.Outcome plan = Cli.run("plan", "--db", db, "--os", "unikraft", "--arch", "aarch64", "--summary");
        assertThat(plan.status()).as(plan.err()).isZero();
        assertThat(plan.out()).contains("aarch64 syscalls");
        Cli.Outcome json = Cli.run("plan", "--db", db, "--arch", "arm64", "--json");
        assertThat(json.out()).doesNotContain("\"open\"", "\"poll\"").contains("\"openat\"");
        Cli.Outcome score = Cli.run("score", "--db", db, "--os", "gvisor", "--arch", "aarch64");
        assertThat(score.status()).as(score.err()).isZero();
        assertThat(score.out()).contains("aarch64 syscalls").contains("gvisor");
        Cli.Outcome bad = Cli.run("score", "--db", db, "--arch", "sparc");
        assertThat(bad.status()).isEqualTo(1);
        assertThat(bad.err()).contains("unknown architecture 'sparc'").hasLineCount(1);
    }
}
