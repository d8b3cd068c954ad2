package dev.shimscope.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shimscope.model.Comparison;
import dev.shimscope.model.Impact;
import dev.shimscope.model.Impacts;
import dev.shimscope.model.Measure;
import dev.shimscope.model.Treatment;
import dev.shimscope.syscall.Syscall;
import dev.shimscope.syscall.SyscallTable;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Reads stored {@link Impacts} from the tree {@link ProfileReader} parsed, without Jackson's object
 * mapper (see there why), exactly as {@link Profile}'s annotations write them. An unknown syscall,
 * measure or treatment is an error naming the file.
 */
final class StoredImpacts {

    private StoredImpacts() {
    }

    static Impacts read(JsonNode n, SyscallTable table, String source) {
        try {
            List<Impact> impacts = new ArrayList<>();
            for (JsonNode i : n.path("impacts")) {
                impacts.add(new Impact(syscall(table, i.path("syscall").asText(), source),
                        Treatment.parse(i.path("treatment").asText()), comparison(i.path("comparison"))));
            }
            List<Comparison> cost = new ArrayList<>();
            n.path("planCost").forEach(c -> cost.add(comparison(c)));
            SortedMap<Syscall, Treatment> choices = new TreeMap<>();
            n.path("choices").properties().forEach(e -> choices.put(syscall(table, e.getKey(), source),
                    Treatment.parse(e.getValue().asText())));
            return new Impacts(impacts, cost, choices, n.path("screened").asInt(0), n.path("confirmed").asInt(0),
                    n.path("aloneRuns").asInt(0), n.path("aloneMillis").asLong(0), n.path("rule").asText(""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": bad impacts: " + e.getMessage(), e);
        }
    }

    private static Comparison comparison(JsonNode c) {
        return new Comparison(Measure.parse(c.path("measure").asText()), c.path("name").asText(),
                c.path("higherIsBetter").asBoolean(false), number(c, "baseline"), number(c, "value"), number(c, "ratio"),
                number(c, "low"), number(c, "high"), c.path("baselineRuns").asInt(0), c.path("runs").asInt(0),
                c.path("significant").asBoolean(false));
    }

    /** A number; NaN (written as the text "NaN") or missing: NaN. */
    private static double number(JsonNode c, String field) {
        JsonNode v = c.get(field);
        return v == null || v.isNull() ? Double.NaN : v.isNumber() ? v.asDouble() : Double.parseDouble(v.asText("NaN"));
    }

    private static Syscall syscall(SyscallTable table, String name, String source) {
        return table.byName(name).orElseThrow(() -> new IllegalArgumentException("unknown " + table.arch()
                + " syscall name '" + name + "'"));
    }
}
