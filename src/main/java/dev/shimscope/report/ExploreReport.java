package dev.shimscope.report;

import dev.shimscope.explore.ExperimentResult;
import dev.shimscope.explore.Exploration;
import dev.shimscope.explore.FileResult;
import dev.shimscope.explore.SyscallResult;
import dev.shimscope.explore.ValueResult;
import dev.shimscope.model.ArgumentVerdict;
import dev.shimscope.model.FileVerdict;
import dev.shimscope.model.Repair;
import dev.shimscope.model.RunRecord;
import dev.shimscope.model.ShimConfiguration;
import dev.shimscope.model.ShimPlan;
import dev.shimscope.model.Verdict;
import dev.shimscope.syscall.Syscall;
import dev.shimscope.syscall.SyscallTable;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The output of {@code shimscope explore}: terminal summary, JSON with everything, Loupe's dyn.csv. */
public final class ExploreReport {

    private ExploreReport() {
    }

    public static String text(Exploration e) {
        StringBuilder sb = new StringBuilder();
        sb.append(e.spec().id()).append(" (").append(e.spec().description()).append(")\n");
        sb.append(e.verdicts().size()).append(" syscalls used");
        sb.append(": ").append(e.in(Verdict.REQUIRED).size()).append(" required, ")
                .append(e.in(Verdict.STUB_ONLY).size()).append(" stub only, ")
                .append(e.in(Verdict.FAKE_ONLY).size()).append(" fake only, ")
                .append(e.in(Verdict.BOTH).size()).append(" both, ")
                .append(e.in(Verdict.FLAKY).size()).append(" flaky\n\n");
        for (Verdict c : Verdict.values()) {
            List<String> names = e.names(c);
            sb.append(String.format("%-12s %3d  %s%n", c.label(), names.size(), wrap(String.join(" ", names), 18)));
        }
        if (e.tests() != null) {
            var needing = testsNeeding(e);
            sb.append("\n").append(e.tests().tests().size()).append(" tests explored").append(e.tests().excluded().isEmpty()
                    ? "" : ", " + e.tests().excluded().size() + " left out (they fail alone)").append("; the tests that need a"
                    + " syscall implemented (they fail both when it is stubbed and when it is faked):\n");
            needing.forEach((s, t) -> sb.append(String.format("  %-18s %3d  %s%n", s, t.size(),
                    wrap(String.join(" ", t.stream().limit(12).toList()) + (t.size() > 12 ? " ..." : ""), 26))));
        }
        features(sb, e);
        List<String> same = e.verdicts().stream().filter(v -> v.fake().indistinguishable()).map(SyscallResult::name).toList();
        if (!same.isEmpty()) {
            sb.append("\nfake not distinguishable (every traced call returned 0, which is what a fake returns; not"
                    + " tested): ").append(String.join(" ", same)).append('\n');
        }
        ShimPlan p = e.plan();
        sb.append("\nshim plan").append(p.verified() ? " (verified: it passed " + p.passes()
                + " runs in a row with every other syscall returning ENOSYS)" : " (NOT verified)").append(":\n");
        sb.append(String.format("  implement %3d  %s%n", p.implement().size(), wrap(names(p.implement()), 17)));
        sb.append(String.format("  stub      %3d  %s%n", p.stub().size(), wrap(names(p.stub()), 17)));
        sb.append(String.format("  fake      %3d  %s%n", p.fake().size(), wrap(names(p.fake()), 17)));
        for (ShimPlan.Partial part : p.partial()) {
            sb.append("  ").append(partialText(part)).append('\n');
        }
        if (!p.fallbacks().isEmpty()) {
            sb.append("  called only under the plan (fallbacks the application took): ")
                    .append(names(p.fallbacks())).append('\n');
        }
        for (Repair r : p.repairs()) {
            sb.append("  repaired: ").append(r.describe());
            if (r.proof() != null) {
                sb.append(" (").append(r.proof().passed() ? "a run passed that way" : "a run failed: " + r.proof().failure())
                        .append(')');
            }
            sb.append('\n');
        }
        if (!p.verified()) {
            sb.append("  the plan could not be verified: run again on a quieter machine (a busy one makes runs"
                    + " fail that pass alone), raise --replicas, or look at the flaky syscalls and the failures above\n");
        }
        impactText(sb, e);
        sb.append('\n').append(e.runs()).append(" runs in ").append(String.format("%.1f", e.wallTime().toMillis() / 1000.0))
                .append(" s");
        if (e.resumedExperiments() > 0) {
            sb.append(" (").append(e.resumedExperiments()).append(" experiments taken from the journal)");
        }
        sb.append('\n');
        return sb.toString();
    }

    /** "prctl: implement PR_SET_NAME; stub PR_SET_KEEPCAPS; any other option ENOSYS". */
    public static String partialText(ShimPlan.Partial p) {
        StringBuilder sb = new StringBuilder(p.syscall().name()).append(": implement ");
        sb.append(p.implement().isEmpty() ? "no " + p.label() : valueNames(p.implement()));
        if (!p.fake().isEmpty()) {
            sb.append("; fake ").append(valueNames(p.fake()));
        }
        if (!p.stub().isEmpty()) {
            sb.append("; stub ").append(valueNames(p.stub()));
        }
        return sb.append("; any other ").append(p.label()).append(": ENOSYS").toString();
    }

    private static String valueNames(List<dev.shimscope.syscall.args.ArgumentValue> values) {
        return String.join(",", values.stream().map(dev.shimscope.syscall.args.ArgumentValue::name).toList());
    }

    /** The per-value and per-file verdicts, in short. */
    private static void features(StringBuilder sb, Exploration e) {
        if (!e.values().isEmpty()) {
            sb.append("\nargument values (verdict of the calls with the value alone; = the value is on every call,"
                    + " ~ inferred: the whole syscall works stubbed and faked):\n");
            Map<String, List<String>> bySyscall = new LinkedHashMap<>();
            for (ValueResult v : e.values()) {
                ArgumentVerdict a = v.verdict();
                String mark = switch (a.basis()) {
                    case MEASURED -> "";
                    case EVERY_CALL -> "=";
                    case WHOLE_SYSCALL -> "~";
                };
                bySyscall.computeIfAbsent(a.syscall().name(), k -> new ArrayList<>())
                        .add(a.value().name() + ":" + a.verdict().id() + mark);
            }
            bySyscall.forEach((name, values) -> sb.append(String.format("  %-14s %s%n", name, wrap(String.join(" ", values), 17))));
        }
        if (!e.files().isEmpty()) {
            Map<FileVerdict.Need, List<String>> byNeed = new java.util.EnumMap<>(FileVerdict.Need.class);
            List<String> emptyOk = new ArrayList<>();
            List<String> content = new ArrayList<>();
            for (FileResult f : e.files()) {
                byNeed.computeIfAbsent(f.verdict().need(), k -> new ArrayList<>()).add(f.verdict().path());
                if (f.verdict().empty() == FileVerdict.Need.OPTIONAL) {
                    emptyOk.add(f.verdict().path());
                } else if (f.verdict().empty() != null) {
                    content.add(f.verdict().path());
                }
            }
            sb.append("\nfiles (").append(e.files().size()).append(" explored, ").append(e.notExplored().size())
                    .append(" named but not explored):\n");
            byNeed.forEach((need, paths) -> sb.append(String.format("  %-9s %3d  %s%n", need.id(), paths.size(),
                    wrap(String.join(" ", paths), 16))));
            if (!emptyOk.isEmpty()) {
                sb.append(String.format("  %-9s %3d  %s%n", "empty ok", emptyOk.size(), wrap(String.join(" ", emptyOk), 16)));
            }
            if (!content.isEmpty()) {
                sb.append(String.format("  %-9s %3d  %s%n", "content", content.size(), wrap(String.join(" ", content), 16)));
            }
            sb.append("  (required: the workload fails without it; optional: it passes without it; absent: missing in"
                    + " the traced run already; empty ok: a pseudo-file may be empty; content: it may not)\n");
        }
    }

    /** How many impacts the summary lists (the largest; the JSON has them all). */
    static final int SUMMARY_IMPACTS = 8;

    private static void impactText(StringBuilder sb, Exploration e) {
        dev.shimscope.model.Impacts im = e.impacts();
        if (im.screened() == 0 && im.planCost().isEmpty() && im.impacts().isEmpty()) {
            return;
        }
        sb.append("\nimpacts (against the baseline; confirmed alone: ").append(im.confirmed()).append(" of ")
                .append(im.screened()).append(" experiments outside its variation, ").append(im.aloneRuns())
                .append(" runs alone in ").append(String.format(java.util.Locale.ROOT, "%.1f", im.aloneMillis() / 1000.0))
                .append(" s)").append(im.impacts().isEmpty() ? ": none\n" : ":\n");
        im.impacts().stream().limit(SUMMARY_IMPACTS).forEach(i -> sb.append("  ").append(i.describe()).append('\n'));
        if (im.impacts().size() > SUMMARY_IMPACTS) {
            sb.append("  ... ").append(im.impacts().size() - SUMMARY_IMPACTS).append(" more in the JSON\n");
        }
        im.choices().forEach((s, t) -> sb.append("  ").append(cheaper(s, t)).append('\n'));
        if (!im.planCost().isEmpty()) {
            sb.append("  the plan's cost (alone, against the baseline alone): ").append(costText(im.planCost())).append('\n');
        }
    }

    /**
     * "madvise works both ways and its stub costs more: an OS may fake it (the plan stubs it, the
     * rule)": the impact analysis's advice, which does not change the plan.
     */
    public static String cheaper(dev.shimscope.syscall.Syscall s, dev.shimscope.model.Treatment cheaper) {
        boolean fake = cheaper.kind() == dev.shimscope.model.Treatment.Kind.FAKE;
        return s.name() + " works both ways and its " + (fake ? "stub" : "fake") + " costs more"
                + (fake ? ": an OS may fake it (the plan stubs it, the rule)" : ": the plan stubs it");
    }

    /** "no measurable change" or the significant comparisons; every measure's ratio in brackets. */
    public static String costText(List<dev.shimscope.model.Comparison> cost) {
        List<String> sig = cost.stream().filter(dev.shimscope.model.Comparison::significant)
                .map(dev.shimscope.model.Comparison::describe).toList();
        String all = String.join(", ", cost.stream().map(c -> c.name() + " " + dev.shimscope.model.Comparison.formatRatio(c.ratio())).toList());
        return (sig.isEmpty() ? "no measurable change" : String.join(", ", sig)) + " (" + all + ")";
    }

    /** Per measure, over runs: how many had it, the geometric mean and the coefficient of variation. */
    public static Map<String, Map<String, Double>> measureStats(List<RunRecord> runs) {
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        for (dev.shimscope.model.Measure m : dev.shimscope.model.Measure.values()) {
            double[] v = dev.shimscope.stats.ImpactRule.values(runs, m);
            if (v.length == 0) {
                continue;
            }
            double ml = java.util.Arrays.stream(v).map(Math::log).average().orElse(0);
            double ss = java.util.Arrays.stream(v).map(x -> (Math.log(x) - ml) * (Math.log(x) - ml)).sum();
            Map<String, Double> s = new LinkedHashMap<>();
            s.put("runs", (double) v.length);
            s.put("geomean", Math.round(Math.exp(ml) * 100) / 100.0);
            s.put("cv", v.length < 2 ? 0 : Math.round(Math.sqrt(ss / (v.length - 1)) * 1000) / 1000.0);
            out.put(m.id(), s);
        }
        return out;
    }

    private static String wrap(String words, int indent) {
        StringBuilder sb = new StringBuilder();
        int col = indent;
        for (String w : words.split(" ")) {
            if (w.isEmpty()) {
                continue;
            }
            if (col + w.length() + 1 > 100 && col > indent) {
                sb.append('\n').append(" ".repeat(indent));
                col = indent;
            } else if (!sb.isEmpty()) {
                sb.append(' ');
                col++;
            }
            sb.append(w);
            col += w.length();
        }
        return sb.toString();
    }

    /** Duration of the baseline runs: min, max, mean and standard deviation (ms). */
    public static Map<String, Long> baselineStats(List<RunRecord> runs) {
        long[] ms = runs.stream().mapToLong(RunRecord::millis).toArray();
        double mean = java.util.Arrays.stream(ms).average().orElse(0);
        double variance = java.util.Arrays.stream(ms).mapToDouble(m -> (m - mean) * (m - mean)).sum()
                / Math.max(1, ms.length - 1);
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("runs", (long) ms.length);
        m.put("minMillis", java.util.Arrays.stream(ms).min().orElse(0));
        m.put("maxMillis", java.util.Arrays.stream(ms).max().orElse(0));
        m.put("meanMillis", Math.round(mean));
        m.put("stddevMillis", Math.round(Math.sqrt(variance)));
        return m;
    }

    public static Map<String, Object> jsonTree(Exploration e) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("app", e.spec().app());
        root.put("workload", e.spec().workload());
        root.put("kind", e.spec().kind().id());
        root.put("startedAt", e.startedAt().toString());
        root.put("wallMillis", e.wallTime().toMillis());
        root.put("runs", e.runs());
        root.put("resumedExperiments", e.resumedExperiments());
        root.put("environment", e.environment());
        root.put("baseline", e.baseline());
        root.put("baselineStats", baselineStats(e.baseline()));
        root.put("baselineMeasures", measureStats(e.baseline()));
        if (e.spec().metric() != null) {
            root.put("metric", Map.of("name", e.spec().metric().name(), "regex", e.spec().metric().regex().pattern(),
                    "better", e.spec().metric().higherIsBetter() ? "higher" : "lower"));
        }
        Map<String, List<String>> categories = new LinkedHashMap<>();
        for (Verdict c : Verdict.values()) {
            categories.put(c.id(), e.names(c));
        }
        root.put("categories", categories);
        List<Map<String, Object>> verdicts = new ArrayList<>();
        for (SyscallResult v : e.verdicts()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", v.name());
            m.put("number", v.number());
            m.put("calls", v.calls());
            m.put("verdict", v.verdict().id());
            m.put("stub", experimentJson(v.stub()));
            m.put("fake", experimentJson(v.fake()));
            Object args = e.usedArgs().get(v.name());
            if (args != null) {
                m.put("args", args);
            }
            verdicts.add(m);
        }
        root.put("syscalls", verdicts);
        List<Map<String, Object>> values = new ArrayList<>();
        for (ValueResult v : e.values()) {
            ArgumentVerdict a = v.verdict();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("syscall", a.syscall().name());
            m.put("label", a.value().label());
            m.put("value", a.value().name());
            m.put("bit", a.value().bit());
            m.put("match", a.value().matches());
            m.put("calls", a.calls());
            m.put("syscallCalls", a.syscallCalls());
            m.put("verdict", a.verdict().id());
            m.put("basis", a.basis().id());
            if (a.basis() == ArgumentVerdict.Basis.MEASURED) {
                m.put("stub", experimentJson(v.stub()));
                m.put("fake", experimentJson(v.fake()));
            }
            values.add(m);
        }
        root.put("values", values);
        List<Map<String, Object>> files = new ArrayList<>();
        for (FileResult f : e.files()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", f.verdict().path());
            m.put("calls", f.verdict().calls());
            m.put("failedInTrace", f.verdict().failed());
            m.put("need", f.verdict().need().id());
            if (f.verdict().empty() != null) {
                m.put("empty", f.verdict().empty().id());
            }
            if (f.missing() != null) {
                m.put("missingExperiment", experimentJson(f.missing()));
            }
            if (f.empty() != null) {
                m.put("emptyExperiment", experimentJson(f.empty()));
            }
            files.add(m);
        }
        root.put("files", files);
        root.put("filesNotExplored", e.notExplored());
        Map<String, Long> limits = new LinkedHashMap<>();
        if (e.limits().ready() != null) {
            limits.put("readyMillis", e.limits().ready().toMillis());
        }
        limits.put("testMillis", e.limits().test().toMillis());
        if (e.limits().grace() != null) {
            limits.put("stopMillis", e.limits().grace().toMillis());
        }
        root.put("limits", limits);
        if (e.tests() != null) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("explored", e.tests().tests());
            t.put("excluded", e.tests().excluded());
            t.put("millisAlone", e.tests().millis());
            t.put("needing", testsNeeding(e));
            root.put("tests", t);
        }
        root.put("meanJobs", Math.round(e.meanJobs() * 10) / 10.0);
        root.put("plan", e.plan());
        root.put("planRounds", e.planOutcome().rounds());
        root.put("planRuns", e.planOutcome().runs());
        root.put("planVerification", e.planOutcome().verification());
        root.put("impacts", e.impacts());
        root.put("controls", e.controls());
        root.put("controlMeasures", measureStats(e.controls()));
        return root;
    }

    private static Map<String, Object> experimentJson(ExperimentResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("filter", r.experiment().path() != null
                ? r.experiment().path().path() + " " + (r.experiment().path().treatment() == ShimConfiguration.PathTreatment.MISSING
                        ? "-> ENOENT (strace path filter)" : "-> an empty file (bind mount)")
                : r.experiment() + " -> " + dev.shimscope.sandbox.SeccompFilter.action(r.experiment().treatment()).describe());
        m.put("outcome", r.outcome().name().toLowerCase());
        if (r.indistinguishable()) {
            m.put("notDistinguishable", true);
        }
        if (r.tests() != null) {
            m.put("tests", r.tests());
            m.put("failedTests", r.failedTests());
        }
        m.put("runs", r.runs());
        if (!r.confirmation().isEmpty()) {
            m.put("confirmation", r.confirmation());
        }
        return m;
    }

    /**
     * For a suite made of tests: per syscall, the tests that failed both when it was stubbed and
     * when it was faked, the features that need it implemented (the partial-support view).
     */
    public static java.util.SortedMap<String, java.util.SortedSet<String>> testsNeeding(Exploration e) {
        java.util.SortedMap<String, java.util.SortedSet<String>> out = new java.util.TreeMap<>();
        for (SyscallResult v : e.verdicts()) {
            if (v.stub().tests() == null) {
                continue;
            }
            java.util.SortedSet<String> both = new java.util.TreeSet<>(v.stub().failedTests());
            both.retainAll(v.fake().failedTests());
            if (!both.isEmpty()) {
                out.put(v.name(), both);
            }
        }
        return out;
    }

    private static String names(java.util.Collection<Syscall> syscalls) {
        return String.join(" ", syscalls.stream().map(Syscall::name).toList());
    }

    /**
     * Loupe's dyn.csv: a header, then one line per syscall number of the full table:
     * used, works faked (only), works stubbed (only), works both. Flaky syscalls cannot be
     * expressed there and are written as used but not known to work (like required).
     */
    public static String dynCsv(Exploration e, SyscallTable table) {
        Map<Integer, SyscallResult> byNumber = new LinkedHashMap<>();
        e.verdicts().forEach(v -> byNumber.put(v.number(), v));
        int max = Math.max(table.maxNumber(), byNumber.keySet().stream().mapToInt(Integer::intValue).max().orElse(0));
        StringBuilder sb = new StringBuilder("# syscall, used, works faked, works stubbed, works both\n");
        for (int nr = 0; nr <= max; nr++) {
            SyscallResult v = byNumber.get(nr);
            if (v == null) {
                sb.append(nr).append(",N,N,N,N\n");
                continue;
            }
            Verdict c = v.verdict();
            sb.append(nr).append(",Y,").append(yn(c == Verdict.FAKE_ONLY)).append(',')
                    .append(yn(c == Verdict.STUB_ONLY)).append(',').append(yn(c == Verdict.BOTH)).append('\n');
        }
        return sb.toString();
    }

    private static String yn(boolean b) {
        return b ? "Y" : "N";
    }

    /** Checks a name is in the table (for callers that print syscalls by name). */
    static Syscall syscall(SyscallTable table, String name) {
        return table.require(name);
    }
}
