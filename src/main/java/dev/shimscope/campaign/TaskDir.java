package dev.shimscope.campaign;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shimscope.ToolVersion;
import dev.shimscope.model.Json;
import dev.shimscope.store.ResultStore;
import dev.shimscope.store.StoredRun;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The directory of one task of a campaign, on the file system the tasks share: what the task's
 * {@code explore} writes there ({@code db/}, a store of its own, so that only the merger ever
 * holds the campaign's store; {@code journal}; {@code result.json}; {@code log}, its output) and
 * what the task script adds around it ({@code started}: host, pid, job; {@code status}: the
 * exit status, or {@code interrupted}, once it has ended). {@code task.json} names the spec
 * version and tool version the files belong to: a task directory of another version is emptied
 * before it is used again, so that no journal or result of an older spec is taken for this one.
 */
public record TaskDir(Path dir) {

    public Path db() {
        return dir.resolve("db");
    }

    public Path journal() {
        return dir.resolve("journal");
    }

    public Path resultJson() {
        return dir.resolve("result.json");
    }

    /** The output of the task's explore. */
    public Path log() {
        return dir.resolve("log");
    }

    public Path status() {
        return dir.resolve("status");
    }

    public Path started() {
        return dir.resolve("started");
    }

    /** Output of the task script itself when it runs locally (Slurm writes it under the campaign's slurm/). */
    public Path scriptOutput() {
        return dir.resolve("script.out");
    }

    private Path identity() {
        return dir.resolve("task.json");
    }

    /** What the task's files say about how it ended. */
    public TaskState state() {
        String text;
        try {
            text = Files.readString(status(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            return Files.exists(started()) ? TaskState.LOST : TaskState.NOT_STARTED;
        }
        if (text.equals("interrupted")) {
            return TaskState.INTERRUPTED;
        }
        try {
            int code = Integer.parseInt(text);
            return code == 0 || code == ExitStatus.NOT_VERIFIED ? TaskState.SUCCEEDED : TaskState.failed(code);
        } catch (NumberFormatException e) {
            return TaskState.LOST;
        }
    }

    /** Forgets how the task ended last time (before it runs again). */
    public void clearState() throws IOException {
        Files.deleteIfExists(status());
        Files.deleteIfExists(started());
    }

    /**
     * Makes the directory belong to this spec and tool version: created if missing, emptied if
     * its files belong to another version.
     */
    public void claim(String specSha256) throws IOException {
        ObjectNode id = Json.mapper().createObjectNode().put("specSha256", specSha256).put("tool", ToolVersion.get());
        if (Files.isDirectory(dir)) {
            JsonNode existing = null;
            try {
                existing = Json.mapper().readTree(Files.readString(identity(), StandardCharsets.UTF_8));
            } catch (IOException | RuntimeException e) {
                // none, or unreadable: not known to be ours
            }
            if (id.equals(existing)) {
                return;
            }
            deleteTree(dir);
        }
        Files.createDirectories(dir);
        Path tmp = dir.resolve("task.json.tmp");
        Files.writeString(tmp, Json.write(id), StandardCharsets.UTF_8);
        Files.move(tmp, identity(), StandardCopyOption.ATOMIC_MOVE);
    }

    /** The result of this task's exploration for the entry, if its store holds one of this spec and tool version. */
    public Optional<StoredRun> result(CampaignEntry entry) {
        if (!Files.isDirectory(db())) {
            return Optional.empty();
        }
        try {
            return Stored.matching(ResultStore.open(db()).read().runs(), entry);
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // a store cut short: no result (the task runs again)
        }
    }

    /** The last non-empty lines of the log (for a failure message). */
    public List<String> logTail(int lines) {
        for (Path p : List.of(log(), scriptOutput())) {
            try {
                List<String> all = Files.readAllLines(p, StandardCharsets.UTF_8).stream()
                        .filter(l -> !l.isBlank()).toList();
                if (!all.isEmpty()) {
                    return all.subList(Math.max(0, all.size() - lines), all.size());
                }
            } catch (IOException | java.io.UncheckedIOException e) {
                // not there
            }
        }
        return List.of();
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
