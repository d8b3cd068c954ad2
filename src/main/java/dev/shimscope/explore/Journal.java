package dev.shimscope.explore;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shimscope.report.Json;
import dev.shimscope.sandbox.Sandbox;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The record of finished work that makes an exploration resumable: one JSON object per line
 * (a header naming the spec and binary it belongs to, the baseline, the trace, each finished
 * experiment), appended and flushed as each finishes. A line cut short by a crash is ignored
 * when reading. Runs that end because the tool is shutting down are not recorded: they were
 * killed by us and say nothing about the application.
 */
public final class Journal implements ExploreListener, AutoCloseable {

    private final Path file;
    private final BufferedWriter out;
    private List<RunRecord> baseline;
    private List<UsedSyscall> used;
    private final Map<String, ExperimentResult> experiments = new HashMap<>();

    private Journal(Path file, BufferedWriter out) {
        this.file = file;
        this.out = out;
    }

    /**
     * Opens the journal at {@code file}. With {@code resume}, reads what it holds (it must
     * belong to the same spec and binary: {@code identity}); without, there must be none.
     */
    public static Journal open(Path file, Map<String, String> identity, boolean resume) throws IOException {
        boolean exists = Files.exists(file);
        if (exists && !resume) {
            throw new IllegalStateException("an interrupted exploration left a journal at " + file
                    + ": continue it with --resume, or delete the file to start over");
        }
        if (!exists && resume) {
            throw new IllegalStateException("nothing to resume: no journal at " + file);
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        Journal j;
        if (exists) {
            j = new Journal(file, Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND));
            j.load(identity);
        } else {
            j = new Journal(file, Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW));
            ObjectNode header = Json.mapper().createObjectNode().put("type", "header");
            identity.forEach(header::put);
            j.append(header);
        }
        return j;
    }

    private void load(Map<String, String> identity) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        boolean headerSeen = false;
        for (String line : lines) {
            JsonNode n;
            try {
                n = Json.mapper().readTree(line);
            } catch (IOException e) {
                continue; // a line cut short by a crash
            }
            if (n == null || !n.has("type")) {
                continue;
            }
            switch (n.get("type").asText()) {
                case "header" -> {
                    headerSeen = true;
                    for (Map.Entry<String, String> e : identity.entrySet()) {
                        String recorded = n.path(e.getKey()).asText(null);
                        if (!Objects.equals(recorded, e.getValue())) {
                            throw new IllegalStateException("the journal " + file + " belongs to another "
                                    + e.getKey() + " (" + recorded + ", now " + e.getValue()
                                    + "): delete it to start over");
                        }
                    }
                }
                case "baseline" -> baseline = runs(n.get("runs"));
                case "trace" -> {
                    List<UsedSyscall> u = new ArrayList<>();
                    n.get("used").forEach(x -> u.add(new UsedSyscall(x.get("number").asInt(), x.get("name").asText(),
                            x.get("calls").asLong())));
                    used = u;
                }
                case "experiment" -> {
                    Experiment e = new Experiment(n.get("syscall").asInt(), n.get("name").asText(),
                            Mode.parse(n.get("mode").asText()));
                    experiments.put(key(e), new ExperimentResult(e, runs(n.get("runs"))));
                }
                default -> { }
            }
        }
        if (!headerSeen) {
            throw new IllegalStateException("the journal " + file + " has no header: delete it to start over");
        }
    }

    private static List<RunRecord> runs(JsonNode array) {
        List<RunRecord> runs = new ArrayList<>();
        array.forEach(r -> runs.add(new RunRecord(r.get("passed").asBoolean(),
                r.hasNonNull("failure") ? r.get("failure").asText() : null, r.get("millis").asLong(),
                r.path("readyMillis").asLong(-1), r.path("testMillis").asLong(-1), r.path("stopMillis").asLong(-1))));
        return runs;
    }

    static String key(Experiment e) {
        return e.syscall() + "/" + e.mode().id();
    }

    public Path file() {
        return file;
    }

    public List<RunRecord> baseline() {
        return baseline;
    }

    public List<UsedSyscall> used() {
        return used;
    }

    public ExperimentResult experiment(Experiment e) {
        return experiments.get(key(e));
    }

    public int experimentCount() {
        return experiments.size();
    }

    @Override
    public void baselineFinished(List<RunRecord> runs) {
        ObjectNode n = Json.mapper().createObjectNode().put("type", "baseline");
        n.set("runs", Json.mapper().valueToTree(runs));
        append(n);
    }

    @Override
    public void traceFinished(List<UsedSyscall> used) {
        ObjectNode n = Json.mapper().createObjectNode().put("type", "trace");
        n.set("used", Json.mapper().valueToTree(used));
        append(n);
    }

    @Override
    public void experimentFinished(ExperimentResult result, int done, int total) {
        ObjectNode n = Json.mapper().createObjectNode().put("type", "experiment")
                .put("syscall", result.experiment().syscall())
                .put("name", result.experiment().name())
                .put("mode", result.experiment().mode().id());
        ArrayNode runs = Json.mapper().valueToTree(result.runs());
        n.set("runs", runs);
        append(n);
    }

    private boolean wroteWork;

    private synchronized void append(JsonNode n) {
        if (Sandbox.isShuttingDown()) {
            return;
        }
        wroteWork |= !n.path("type").asText().equals("header");
        try {
            out.write(Json.mapper().writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(n));
            out.write('\n');
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the journal " + file, e);
        }
    }

    /**
     * Removes the journal if it records nothing but its header (the exploration stopped before any
     * work worth resuming, e.g. at a failing baseline), so that the next attempt starts fresh.
     */
    public void discardIfEmpty() throws IOException {
        if (baseline == null && used == null && experiments.isEmpty() && !wroteWork) {
            finish();
        }
    }

    /** Removes the journal: the exploration finished and its output holds everything. */
    public void finish() throws IOException {
        close();
        Files.deleteIfExists(file);
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
