package dev.shimscope.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shimscope.model.Json;
import dev.shimscope.model.Verdict;
import dev.shimscope.store.ImportResult;
import dev.shimscope.store.Profile;
import dev.shimscope.store.StoreSnapshot;
import dev.shimscope.store.StoredRun;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;

/** Terminal and JSON views of a results store: the import summary, {@code db list} and {@code db show}. */
public final class StoreReport {

    private StoreReport() {
    }

    public static String importSummary(ImportResult r, String storeDir) {
        StringBuilder sb = new StringBuilder();
        if (r.added() == 0) {
            sb.append("nothing new: all ").append(r.unchanged()).append(" runs of ").append(r.source())
                    .append(" are already in ").append(storeDir).append('\n');
            return sb.toString();
        }
        sb.append("imported ").append(r.added()).append(" runs of ").append(r.apps()).append(" apps from ")
                .append(r.source()).append(" into ").append(storeDir);
        if (r.unchanged() > 0) {
            sb.append(" (").append(r.unchanged()).append(" runs already there, unchanged)");
        }
        sb.append('\n');
        for (String s : r.skipped()) {
            sb.append("skipped ").append(s).append('\n');
        }
        for (String n : r.notes()) {
            sb.append("note: ").append(n).append('\n');
        }
        if (r.commit() != null) {
            sb.append("commit ").append(r.commit(), 0, 12).append('\n');
        }
        return sb.toString();
    }

    /** One line per app: the app and its workloads (with the run count when more than one). */
    public static String list(StoreSnapshot snapshot) {
        Map<String, Map<String, Integer>> runsPerWorkload = new TreeMap<>();
        for (StoredRun r : snapshot.runs()) {
            runsPerWorkload.computeIfAbsent(r.profile().app(), a -> new TreeMap<>())
                    .merge(r.profile().workloadDir(), 1, Integer::sum);
        }
        int width = runsPerWorkload.keySet().stream().mapToInt(String::length).max().orElse(0);
        StringBuilder sb = new StringBuilder();
        runsPerWorkload.forEach((app, wls) -> {
            sb.append(app).append(" ".repeat(width - app.length() + 2));
            StringBuilder line = new StringBuilder();
            wls.forEach((wl, n) -> {
                if (!line.isEmpty()) {
                    line.append(", ");
                }
                line.append(wl);
                if (n > 1) {
                    line.append(" (").append(n).append(" runs)");
                }
            });
            sb.append(line).append('\n');
        });
        return sb.toString();
    }

    public static String listJson(StoreSnapshot snapshot) {
        ObjectNode root = Json.mapper().createObjectNode();
        ObjectNode apps = root.putObject("apps");
        for (StoredRun r : snapshot.runs()) {
            Profile p = r.profile();
            ObjectNode wl = apps.withObject("/" + p.app()).withObject("/" + p.workloadDir());
            wl.put("kind", p.kind().id());
            wl.put("workload", p.workload());
            ArrayNode runs = wl.withArray("runs");
            ObjectNode run = runs.addObject();
            run.put("run_id", p.runId());
            run.put("recorded", p.recorded().toString());
            run.put("imported", p.imported());
            run.put("tool_version", p.toolVersion());
        }
        return Json.write(root);
    }

    /** The categories of {@code db show}, each by name, for the newest run of each given workload. */
    public static String show(List<Profile> profiles, StoreSnapshot snapshot) {
        StringBuilder sb = new StringBuilder();
        for (Profile p : profiles) {
            if (!sb.isEmpty()) {
                sb.append('\n');
            }
            long runs = snapshot.runsOf(p.app()).stream()
                    .filter(r -> r.profile().workloadDir().equals(p.workloadDir())).count();
            sb.append(p.app()).append(' ').append(p.workloadDir()).append(": run ").append(p.runId())
                    .append(p.imported() ? " (imported from " + p.toolVersion() + ")" : " (shimscope " + p.toolVersion() + ")")
                    .append(", recorded ").append(p.recorded());
            if (runs > 1) {
                sb.append(", newest of ").append(runs).append(" runs");
            }
            sb.append('\n');
            if (p.hasDynamic()) {
                category(sb, "used", p.used());
                category(sb, "required (implement)", p.withVerdict(Verdict.REQUIRED));
                category(sb, "stub only (ENOSYS works, returning 0 breaks)", p.withVerdict(Verdict.STUB_ONLY));
                category(sb, "fake only (returning 0 works, ENOSYS breaks)", p.withVerdict(Verdict.FAKE_ONLY));
                category(sb, "both (stub or fake)", p.withVerdict(Verdict.BOTH));
                SortedSet<String> flaky = p.withVerdict(Verdict.FLAKY);
                if (!flaky.isEmpty()) {
                    category(sb, "flaky (experiments disagreed; treated as required)", flaky);
                }
            } else {
                sb.append("  no dynamic analysis\n");
            }
            if (p.staticBinary() != null) {
                category(sb, "static binary", p.staticBinary());
            }
            if (p.staticSources() != null) {
                category(sb, "static sources", p.staticSources());
                if (p.hasDynamic()) {
                    category(sb, "used but not in static sources (source-level misses)", sourceMisses(p));
                }
            }
            if (p.plan() != null) {
                var plan = p.plan();
                sb.append("  shim plan").append(plan.verified() ? " (verified, " + plan.passes() + " passes in the closed world)"
                        : " (NOT verified)").append(":\n");
                category(sb, "  implement", names(plan.implement()));
                category(sb, "  stub", names(plan.stub()));
                category(sb, "  fake", names(plan.fake()));
                plan.partial().forEach(x -> sb.append("    ").append(ExploreReport.partialText(x)).append('\n'));
                plan.repairs().forEach(r -> sb.append("    repaired: ").append(r.describe()).append('\n'));
            }
            if (p.features() != null) {
                features(sb, p.features());
            }
            if (p.impacts() != null) {
                var im = p.impacts();
                sb.append("  impacts (against the baseline, confirmed alone)").append(im.impacts().isEmpty() ? ": none\n" : ":\n");
                im.impacts().forEach(i -> sb.append("    ").append(i.describe()).append('\n'));
                im.choices().forEach((s, t) -> sb.append("    ").append(ExploreReport.cheaper(s, t)).append('\n'));
                if (!im.planCost().isEmpty()) {
                    sb.append("    the plan's cost: ").append(ExploreReport.costText(im.planCost())).append('\n');
                }
            }
            if (p.testsNeeding() != null && !p.testsNeeding().isEmpty()) {
                sb.append("  tests that need a syscall implemented (they fail both stubbed and faked):\n");
                p.testsNeeding().forEach((s, t) -> sb.append("    ").append(s).append(": ").append(String.join(" ", t)).append('\n'));
            }
        }
        return sb.toString();
    }

    /** Argument values that need an implementation, by syscall, and the files by need. */
    private static void features(StringBuilder sb, dev.shimscope.model.SubFeatures f) {
        java.util.Map<String, java.util.List<String>> bySyscall = new java.util.LinkedHashMap<>();
        for (dev.shimscope.model.ArgumentVerdict v : f.values()) {
            bySyscall.computeIfAbsent(v.syscall().name(), k -> new java.util.ArrayList<>())
                    .add(v.value().name() + ":" + v.verdict().id());
        }
        if (!bySyscall.isEmpty()) {
            sb.append("  argument values (verdict of the calls with that value alone):\n");
            bySyscall.forEach((s, values) -> sb.append("    ").append(s).append(": ").append(String.join(" ", values)).append('\n'));
        }
        java.util.Map<dev.shimscope.model.FileVerdict.Need, java.util.SortedSet<String>> byNeed =
                new java.util.EnumMap<>(dev.shimscope.model.FileVerdict.Need.class);
        f.files().forEach(x -> byNeed.computeIfAbsent(x.need(), k -> new java.util.TreeSet<>()).add(x.path()));
        byNeed.forEach((need, paths) -> category(sb, "files " + need.id(), paths));
    }

    public static String showJson(List<Profile> profiles) {
        ArrayNode arr = Json.mapper().createArrayNode();
        for (Profile p : profiles) {
            ObjectNode o = arr.addObject();
            o.put("app", p.app());
            o.put("workload", p.workloadDir());
            o.put("run_id", p.runId());
            o.put("recorded", p.recorded().toString());
            o.put("imported", p.imported());
            if (p.hasDynamic()) {
                names(o, "used", p.used());
                for (Verdict v : Verdict.values()) {
                    names(o, v.id(), p.withVerdict(v));
                }
            }
            if (p.staticBinary() != null) {
                names(o, "static_binary", p.staticBinary());
            }
            if (p.staticSources() != null) {
                names(o, "static_sources", p.staticSources());
                if (p.hasDynamic()) {
                    names(o, "static_sources_misses", sourceMisses(p));
                }
            }
            if (p.plan() != null) {
                o.set("plan", Json.mapper().valueToTree(p.plan()));
            }
            if (p.testsNeeding() != null) {
                o.set("tests_needing", Json.mapper().valueToTree(p.testsNeeding()));
            }
            if (p.features() != null) {
                o.set("features", Json.mapper().valueToTree(p.features()));
            }
            if (p.impacts() != null) {
                o.set("impacts", Json.mapper().valueToTree(p.impacts()));
            }
        }
        return Json.write(arr);
    }

    private static java.util.SortedSet<String> names(java.util.Set<dev.shimscope.syscall.Syscall> syscalls) {
        java.util.SortedSet<String> out = new java.util.TreeSet<>();
        syscalls.forEach(s -> out.add(s.name()));
        return out;
    }

    /** The used syscalls the source-level set does not contain. */
    private static java.util.SortedSet<String> sourceMisses(Profile p) {
        java.util.SortedSet<String> out = new java.util.TreeSet<>(p.used());
        out.removeAll(p.staticSources());
        return out;
    }

    private static void names(ObjectNode o, String field, Collection<String> names) {
        ArrayNode a = o.putArray(field);
        names.forEach(a::add);
    }

    private static void category(StringBuilder sb, String label, Collection<String> names) {
        sb.append("  ").append(label).append(" (").append(names.size()).append(")");
        if (names.isEmpty()) {
            sb.append('\n');
            return;
        }
        sb.append(":\n");
        wrap(sb, names, "    ", 100);
    }

    /** Names separated by ", ", wrapped at {@code width} columns. */
    static void wrap(StringBuilder sb, Collection<String> names, String indent, int width) {
        StringBuilder line = new StringBuilder(indent);
        int i = 0;
        for (String n : names) {
            String piece = n + (++i < names.size() ? "," : "");
            if (line.length() > indent.length() && line.length() + 1 + piece.length() > width) {
                sb.append(line).append('\n');
                line = new StringBuilder(indent);
            }
            if (line.length() > indent.length()) {
                line.append(' ');
            }
            line.append(piece);
        }
        sb.append(line).append('\n');
    }
}
