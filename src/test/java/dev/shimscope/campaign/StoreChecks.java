package dev.shimscope.campaign;

import dev.shimscope.model.ShimPlan;
import dev.shimscope.model.Verdict;
import dev.shimscope.store.Profile;
import dev.shimscope.store.ResultStore;
import dev.shimscope.store.StoredRun;
import dev.shimscope.syscall.Syscall;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** What the campaign tests check in a store: its runs, their verdicts and plans, and git's own check. */
final class StoreChecks {

    private StoreChecks() {
    }

    static List<StoredRun> runs(Path db) throws IOException {
        return ResultStore.open(db).read().runs();
    }

    /** The one run of an app; fails when there is none or more than one. */
    static Profile only(Path db, String app) throws IOException {
        List<StoredRun> mine = runs(db).stream().filter(r -> r.profile().app().equals(app)).toList();
        assertThat(mine).as("runs of " + app + " in " + db).hasSize(1);
        return mine.getFirst().profile();
    }

    static Map<String, Verdict> verdicts(Profile p) {
        return p.verdicts();
    }

    /** The plan as sets of names: implement, stub, fake, fallbacks. */
    static List<TreeSet<String>> plan(Profile p) {
        ShimPlan plan = p.plan();
        return List.of(names(plan.implement()), names(plan.stub()), names(plan.fake()), names(plan.fallbacks()));
    }

    private static TreeSet<String> names(java.util.Collection<Syscall> s) {
        TreeSet<String> out = new TreeSet<>();
        s.forEach(x -> out.add(x.name()));
        return out;
    }

    /** {@code git fsck --full --strict} accepts the store's history. */
    static void fsck(Path db) throws IOException, InterruptedException {
        String out = git(db, "fsck", "--full", "--strict");
        assertThat(out).as("git fsck of " + db).doesNotContain("error", "missing", "broken");
    }

    static List<String> commitMessages(Path db) throws IOException, InterruptedException {
        return git(db, "log", "--format=%s").lines().toList();
    }

    static String head(Path db) throws IOException, InterruptedException {
        return git(db, "rev-parse", "HEAD").strip();
    }

    private static String git(Path db, String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of("git", "-C", db.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("git " + String.join(" ", args) + ": " + out).isZero();
        return out;
    }
}
