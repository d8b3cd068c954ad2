package dev.shimscope.store;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shimscope.model.ShimPlan;
import dev.shimscope.model.Verdict;
import dev.shimscope.syscall.Arch;
import dev.shimscope.syscall.SyscallTable;
import dev.shimscope.workload.WorkloadKind;

import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads a {@code shimscope.json} with Jackson's streaming parser. Commands that read a whole store
 * (plan, score, report) start in a fresh JVM, where setting up Jackson's object mapper costs
 * several times more than parsing a hundred results; this reader needs only the parser. It reads
 * exactly what {@link Profile}'s annotations write (a test checks the round trip) and, like them,
 * skips fields it does not know.
 */
final class ProfileReader {

    private static final JsonFactory FACTORY = new JsonFactory();

    private ProfileReader() {
    }

    static Profile read(byte[] json, String source) throws IOException {
        try (JsonParser p = FACTORY.createParser(json)) {
            expect(p, p.nextToken(), JsonToken.START_OBJECT, source);
            String app = null;
            WorkloadKind kind = null;
            String workload = null;
            String runId = null;
            Instant recorded = null;
            String toolVersion = null;
            boolean imported = false;
            Arch arch = null;
            TreeSet<String> used = null;
            TreeMap<String, Verdict> verdicts = null;
            TreeSet<String> staticBinary = null;
            TreeSet<String> staticSources = null;
            ObjectNode details = null;
            JsonNode planTree = null;
            JsonNode impactsTree = null;
            TreeMap<String, java.util.SortedSet<String>> testsNeeding = null;
            JsonNode featuresTree = null;
            String specSha256 = null;
            int format = Profile.FORMAT;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                if (t == JsonToken.VALUE_NULL) {
                    continue;
                }
                switch (field) {
                    case "format" -> format = p.getIntValue();
                    case "app" -> app = p.getText();
                    case "workload_kind" -> kind = WorkloadKind.parse(p.getText());
                    case "workload" -> workload = p.getText();
                    case "run_id" -> runId = p.getText();
                    case "recorded" -> recorded = instant(p.getText(), source);
                    case "tool_version" -> toolVersion = p.getText();
                    case "imported" -> imported = p.getBooleanValue();
                    case "arch" -> arch = Arch.parse(p.getText());
                    case "spec_sha256" -> specSha256 = p.getText();
                    case "used" -> used = strings(p, source);
                    case "static_binary" -> staticBinary = strings(p, source);
                    case "static_sources" -> staticSources = strings(p, source);
                    case "verdicts" -> {
                        expect(p, t, JsonToken.START_OBJECT, source);
                        verdicts = new TreeMap<>();
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String name = p.currentName();
                            p.nextToken();
                            verdicts.put(name, Verdict.parse(p.getText()));
                        }
                    }
                    case "details" -> {
                        expect(p, t, JsonToken.START_OBJECT, source);
                        details = (ObjectNode) tree(p);
                    }
                    case "tests_needing" -> {
                        expect(p, t, JsonToken.START_OBJECT, source);
                        testsNeeding = new TreeMap<>();
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String name = p.currentName();
                            p.nextToken();
                            testsNeeding.put(name, strings(p, source));
                        }
                    }
                    case "plan" -> {
                        expect(p, t, JsonToken.START_OBJECT, source);
                        planTree = tree(p);
                    }
                    case "features" -> {
                        expect(p, t, JsonToken.START_OBJECT, source);
                        featuresTree = tree(p);
                    }
                    case "impacts" -> {
                        expect(p, t, JsonToken.START_OBJECT, source);
                        impactsTree = tree(p);
                    }
                    default -> p.skipChildren();
                }
            }
            if (format > Profile.FORMAT) {
                throw new IllegalArgumentException(source + " has format " + format + ", written by a newer shimscope");
            }
            SyscallTable table = SyscallTable.of(arch == null ? Arch.X86_64 : arch);
            ShimPlan plan = null;
            if (planTree != null) {
                plan = StoredPlans.read(planTree, table, source);
            } else if (format == 1 && details != null && details.path("plan").isObject()) {
                // format 1 kept the plan in the report's JSON inside details
                plan = StoredPlans.readFormat1(details.get("plan"), table, source);
            }
            return new Profile(app, kind, workload, runId, recorded, toolVersion, imported, arch, used, verdicts,
                    staticBinary, staticSources, details, plan, testsNeeding,
                    featuresTree == null ? null : StoredPlans.readFeatures(featuresTree, table, source), specSha256,
                    impactsTree == null ? null : StoredImpacts.read(impactsTree, table, source));
        }
    }

    private static Instant instant(String text, String source) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(source + ": recorded time '" + text + "' is not an ISO-8601 instant");
        }
    }

    private static TreeSet<String> strings(JsonParser p, String source) throws IOException {
        expect(p, p.currentToken(), JsonToken.START_ARRAY, source);
        TreeSet<String> out = new TreeSet<>();
        while (p.nextToken() != JsonToken.END_ARRAY) {
            out.add(p.getText());
        }
        return out;
    }

    /** The value at the parser's current token as a tree. */
    private static JsonNode tree(JsonParser p) throws IOException {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (p.currentToken()) {
            case START_OBJECT -> {
                ObjectNode o = f.objectNode();
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    p.nextToken();
                    o.set(name, tree(p));
                }
                yield o;
            }
            case START_ARRAY -> {
                ArrayNode a = f.arrayNode();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    a.add(tree(p));
                }
                yield a;
            }
            case VALUE_STRING -> f.textNode(p.getText());
            case VALUE_NUMBER_INT -> f.numberNode(p.getBigIntegerValue());
            case VALUE_NUMBER_FLOAT -> f.numberNode(p.getDecimalValue());
            case VALUE_TRUE -> f.booleanNode(true);
            case VALUE_FALSE -> f.booleanNode(false);
            case VALUE_NULL -> f.nullNode();
            default -> throw new IOException("unexpected JSON token " + p.currentToken());
        };
    }

    private static void expect(JsonParser p, JsonToken actual, JsonToken expected, String source) {
        if (actual != expected) {
            throw new IllegalArgumentException(source + ": expected " + expected + " at line "
                    + p.currentLocation().getLineNr() + ", found " + actual);
        }
    }
}
