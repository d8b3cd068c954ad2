package dev.shimscope.report;

import dev.shimscope.emulate.Emulation;
import dev.shimscope.emulate.Emulator;
import dev.shimscope.model.Verdict;
import dev.shimscope.staticbin.BinaryInfo;
import dev.shimscope.staticbin.LoaderCompatibility;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The output of {@code shimscope emulate}: verdict, the unsupported calls hit, what to implement. */
public final class EmulateReport {

    /** One line for an emulation's progress. */
    public static String progress(dev.shimscope.emulate.EmulateEvent event) {
        return switch (event) {
            case dev.shimscope.emulate.EmulateEvent.Surveyed s -> s.os() + ": " + (s.passed() ? "PASS"
                    : "FAIL (" + s.failure() + ")") + ", " + s.hits() + " unsupported syscalls called";
            case dev.shimscope.emulate.EmulateEvent.MoreHits m -> "allowing the syscalls hit so far uncovered " + m.added()
                    + " more (" + m.total() + " in all)";
            case dev.shimscope.emulate.EmulateEvent.Tried t -> "a set of " + t.size() + ": " + (t.passed() ? "pass" : "fail");
            case dev.shimscope.emulate.EmulateEvent.CostMeasured c -> "cost (alone, against the unaltered workload alone): "
                    + ExploreReport.costText(c.cost());
        };
    }

    private EmulateReport() {
    }

    /**
     * @param known verdicts from a stored exploration of the same app and workload (empty if none)
     */
    public static String text(String target, Emulation e, Map<String, Verdict> known) {
        StringBuilder sb = new StringBuilder();
        sb.append(target).append(" on ").append(e.os()).append(" (unsupported syscalls ")
                .append(e.defaultAction().equals("stub") ? "return -ENOSYS" : "return 0").append("): ")
                .append(e.passed() ? "PASS" : "FAIL").append(e.passed() ? "" : " (" + e.failure() + ")").append('\n');
        if (e.hits().isEmpty()) {
            sb.append("it called no syscall that ").append(e.os()).append(" lacks\n");
        } else {
            sb.append(e.hits().size()).append(" unsupported syscalls called:\n");
            TextTable t = new TextTable("NR", "NAME", "CALLS", "ARGUMENTS", known.isEmpty() ? "" : "EXPLORED AS").right(0, 2);
            for (Emulation.Hit h : e.hits()) {
                Verdict v = known.get(h.name());
                t.row(h.number(), h.name(), h.calls(), TraceReport.summarizeArgs(h.args()),
                        known.isEmpty() ? "" : v == null ? "not used then" : v.label() + expectation(v, e.defaultAction()));
            }
            sb.append(t.render());
        }
        if (!e.passed()) {
            if (Emulator.NOT_SEARCHED.equals(e.minimalProof())) {
                sb.append("set to implement: not searched (--hits-only)\n");
            } else if (e.toImplement() == null) {
                sb.append("no set of the unsupported syscalls it called makes it pass: the failure has another cause\n");
            } else {
                sb.append("implement these ").append(e.toImplement().size()).append(" to run this workload on ")
                        .append(e.os()).append(": ").append(String.join(" ", e.toImplement()))
                        .append(e.verified() ? "  (verified: " + e.verifyRuns().size() + " passing runs with exactly these added)"
                                : "  (NOT verified: runs with these added failed)").append('\n');
                sb.append("smallest set: ").append(switch (e.minimalProof()) {
                    case "single" -> "one syscall suffices";
                    case "exhaustive" -> "no smaller set passes (all smaller combinations tried)";
                    default -> "no syscall can be dropped from it (too many combinations to try all smaller sets)";
                }).append('\n');
                if (!e.alternatives().isEmpty()) {
                    sb.append("each of these alone would also do: ").append(String.join(" ", e.alternatives())).append('\n');
                }
            }
        }
        if (!e.cost().isEmpty()) {
            sb.append("cost on ").append(e.os()).append(" (alone, against the unaltered workload alone): ")
                    .append(ExploreReport.costText(e.cost())).append('\n');
        }
        e.notes().forEach(n -> sb.append("note: ").append(n).append('\n'));
        sb.append(e.runs()).append(" runs in ").append(String.format("%.1f", e.wallTime().toMillis() / 1000.0)).append(" s\n");
        return sb.toString();
    }

    private static String expectation(Verdict v, String defaultAction) {
        boolean harmless = defaultAction.equals("stub") ? v.stubWorks() : v.fakeWorks();
        return harmless ? " (harmless here)" : " (expected to break it)";
    }

    public static Map<String, Object> jsonTree(String target, Emulation e, Map<String, Verdict> known) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("target", target);
        Map<String, Object> em = new LinkedHashMap<>();
        em.put("os", e.os());
        em.put("defaultAction", e.defaultAction());
        em.put("passed", e.passed());
        em.put("failure", e.failure());
        em.put("hits", e.hits());
        em.put("toImplement", e.toImplement());
        em.put("alternatives", e.alternatives());
        em.put("minimalProof", e.minimalProof());
        em.put("verified", e.verified());
        em.put("verifyRuns", e.verifyRuns());
        em.put("notes", e.notes());
        em.put("runs", e.runs());
        em.put("wallMillis", e.wallTime().toMillis());
        em.put("cost", e.cost());
        m.put("emulation", em);
        if (!known.isEmpty()) {
            Map<String, String> explored = new LinkedHashMap<>();
            e.hits().forEach(h -> explored.put(h.name(), known.containsKey(h.name()) ? known.get(h.name()).id() : null));
            m.put("explored", explored);
        }
        return m;
    }

    /** One cell of the catalog × OS table: PASS, or FAIL with what to implement. */
    public static String cell(Emulation e) {
        if (e.passed()) {
            return "PASS (" + e.hits().size() + " hit)";
        }
        List<String> impl = e.toImplement();
        if (impl == null) {
            return "FAIL (" + e.hits().size() + " hit" + (Emulator.NOT_SEARCHED.equals(e.minimalProof()) ? ")" : "; no set found)");
        }
        return "FAIL: " + String.join(" ", impl);
    }

    /**
     * The ELF loader check ({@code static --bincompat}) that goes with an emulation.
     *
     * @param info    the binary's facts, or null if it is not an ELF
     * @param problem why there are no facts (null when there are)
     */
    public record LoaderCheck(Path binary, BinaryInfo info, String problem) {

        public String text() {
            String head = "\nELF loader check (as static --bincompat) of " + binary + ":\n";
            return info == null ? head + "  not checked: " + problem + "\n"
                    : head + StaticReport.bincompat(info, null).indent(2);
        }

        public Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", binary.toString());
            if (info == null) {
                m.put("problem", problem);
            } else {
                m.put("binary", info);
                m.put("verdict", LoaderCompatibility.assess(info));
            }
            return m;
        }
    }
}
