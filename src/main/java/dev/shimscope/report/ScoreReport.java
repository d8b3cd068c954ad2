package dev.shimscope.report;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shimscope.model.Json;
import dev.shimscope.plan.CompatibilityScore.OsScore;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Text and JSON for {@code score}: one row per OS, best first, and the definitions. */
public final class ScoreReport {

    private ScoreReport() {
    }

    public static String text(String header, List<OsScore> scores) {
        TextTable t = new TextTable("rank", "OS", "listed", "apps supported", "with fakes", "weighted score",
                "heaviest missing required syscalls").right(0, 2, 3, 4, 5);
        int rank = 0;
        for (OsScore s : scores) {
            StringBuilder missing = new StringBuilder();
            for (Map.Entry<String, Integer> e : s.missing().subList(0, Math.min(5, s.missing().size()))) {
                if (!missing.isEmpty()) {
                    missing.append(", ");
                }
                missing.append(e.getKey()).append(" (").append(e.getValue()).append(')');
            }
            t.row(++rank, s.os(), s.listed(),
                    String.format(Locale.ROOT, "%d/%d %5.1f%%", s.supported(), s.apps(), 100 * s.supportedShare()),
                    String.format(Locale.ROOT, "%d/%d %5.1f%%", s.withFakes(), s.apps(), 100 * s.withFakesShare()),
                    String.format(Locale.ROOT, "%5.1f%% (%d/%d)", 100 * s.weightedScore(), s.weight(), s.totalWeight()),
                    missing.isEmpty() ? "-" : missing.toString());
        }
        return header + "\n" + t.render()
                + "apps supported: every required and every fake-only syscall of the app is on the OS's list (an OS\n"
                + "  answers ENOSYS for the rest, which stub-only syscalls accept); with fakes: once the OS fakes the\n"
                + "  fake-only syscalls it lacks. weighted score (Loupe's): weight of a syscall = number of apps that\n"
                + "  require it; score = sum of the weights of the listed syscalls / sum of all weights.\n";
    }

    public static String json(String workload, List<OsScore> scores) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("workload", workload);
        ArrayNode arr = root.putArray("scores");
        for (OsScore s : scores) {
            ObjectNode o = arr.addObject();
            o.put("os", s.os());
            o.put("source", s.source());
            o.put("listed", s.listed());
            o.put("apps", s.apps());
            o.put("apps_supported", s.supported());
            o.put("apps_supported_share", s.supportedShare());
            o.put("apps_supported_with_fakes", s.withFakes());
            o.put("weighted_score", s.weightedScore());
            o.put("weight", s.weight());
            o.put("total_weight", s.totalWeight());
            ObjectNode missing = o.putObject("missing_required");
            s.missing().forEach(e -> missing.put(e.getKey(), e.getValue()));
        }
        return Json.write(root);
    }
}
