package dev.shimscope.store;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shimscope.model.ArgumentVerdict;
import dev.shimscope.model.FileVerdict;
import dev.shimscope.model.Repair;
import dev.shimscope.model.RunRecord;
import dev.shimscope.model.ShimPlan;
import dev.shimscope.model.SubFeatures;
import dev.shimscope.model.Treatment;
import dev.shimscope.model.Verdict;
import dev.shimscope.syscall.Syscall;
import dev.shimscope.syscall.SyscallTable;
import dev.shimscope.syscall.args.ArgumentValue;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Reads a stored {@link ShimPlan} from the tree {@link ProfileReader} parsed, without Jackson's
 * object mapper (see there why): the typed plan of format 2, and the plan of format 1, which
 * lived in the exploration report kept in {@code details} (its repairs were sentences, not kept).
 * An unknown syscall name or a malformed field is an error naming the file.
 */
final class StoredPlans {

    private StoredPlans() {
    }

    static ShimPlan read(JsonNode n, SyscallTable table, String source) {
        List<Repair> repairs = new ArrayList<>();
        for (JsonNode r : n.path("repairs")) {
            try {
                repairs.add(new Repair(syscall(table, r.path("syscall").asText(), source),
                        Repair.Cause.valueOf(r.path("cause").asText()),
                        r.hasNonNull("from") ? Treatment.parse(r.get("from").asText()) : null,
                        Treatment.parse(r.path("to").asText()), r.hasNonNull("proof") ? run(r.get("proof")) : null));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(source + ": bad repair in the plan: " + e.getMessage(), e);
            }
        }
        List<ShimPlan.Partial> partial = new ArrayList<>();
        for (JsonNode x : n.path("partial")) {
            partial.add(new ShimPlan.Partial(syscall(table, x.path("syscall").asText(), source), x.path("label").asText(),
                    values(x.path("implement"), source), values(x.path("fake"), source), values(x.path("stub"), source)));
        }
        return new ShimPlan(names(n.path("implement"), table, source), names(n.path("stub"), table, source),
                names(n.path("fake"), table, source), names(n.path("fallbacks"), table, source),
                n.path("verified").asBoolean(false), n.path("passes").asInt(0), repairs, partial);
    }

    /** The stored sub-features: per argument value and per file. */
    static SubFeatures readFeatures(JsonNode n, SyscallTable table, String source) {
        List<ArgumentVerdict> values = new ArrayList<>();
        List<FileVerdict> files = new ArrayList<>();
        try {
            for (JsonNode x : n.path("values")) {
                values.add(new ArgumentVerdict(syscall(table, x.path("syscall").asText(), source), value(x.path("value"), source),
                        x.path("calls").asLong(), x.path("syscallCalls").asLong(), Verdict.parse(x.path("verdict").asText()),
                        ArgumentVerdict.Basis.valueOf(x.path("basis").asText())));
            }
            for (JsonNode x : n.path("files")) {
                files.add(new FileVerdict(x.path("path").asText(), x.path("calls").asLong(), x.path("failed").asLong(),
                        FileVerdict.Need.valueOf(x.path("need").asText()),
                        x.hasNonNull("empty") ? FileVerdict.Need.valueOf(x.get("empty").asText()) : null));
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": bad sub-feature: " + e.getMessage(), e);
        }
        return new SubFeatures(values, files);
    }

    private static List<ArgumentValue> values(JsonNode array, String source) {
        List<ArgumentValue> out = new ArrayList<>();
        array.forEach(x -> out.add(value(x, source)));
        return out;
    }

    private static ArgumentValue value(JsonNode x, String source) {
        List<ArgumentValue.Match> matches = new ArrayList<>();
        for (JsonNode m : x.path("matches")) {
            matches.add(new ArgumentValue.Match(m.path("index").asInt(), m.path("mask").asLong(), m.path("value").asLong()));
        }
        if (matches.isEmpty() || !x.hasNonNull("name")) {
            throw new IllegalArgumentException(source + ": an argument value needs a name and a match: " + x);
        }
        return new ArgumentValue(x.path("label").asText(), x.path("name").asText(), x.path("bit").asBoolean(false), matches);
    }

    static ShimPlan readFormat1(JsonNode n, SyscallTable table, String source) {
        return new ShimPlan(names(n.path("implement"), table, source), names(n.path("stub"), table, source),
                names(n.path("fake"), table, source), names(n.path("fallbacks"), table, source),
                n.path("verified").asBoolean(false), n.path("passes").asInt(0), List.of());
    }

    private static SortedSet<Syscall> names(JsonNode array, SyscallTable table, String source) {
        SortedSet<Syscall> out = new TreeSet<>();
        array.forEach(x -> out.add(syscall(table, x.asText(), source)));
        return out;
    }

    private static Syscall syscall(SyscallTable table, String name, String source) {
        return table.byName(name).orElseThrow(() -> new IllegalArgumentException(source
                + ": unknown " + table.arch() + " syscall name '" + name + "' in the plan"));
    }

    private static RunRecord run(JsonNode r) {
        return new RunRecord(r.path("passed").asBoolean(), r.hasNonNull("failure") ? r.get("failure").asText() : null,
                r.path("timeLimit").asBoolean(false), r.path("loadSensitive").asBoolean(false), r.path("millis").asLong(-1), r.path("readyMillis").asLong(-1),
                r.path("testMillis").asLong(-1), r.path("stopMillis").asLong(-1), r.path("cpuMillis").asLong(-1),
                r.path("stallMillis").asLong(-1), r.path("peakRssKb").asLong(-1));
    }
}
