package dev.shimscope.campaign;

import com.fasterxml.jackson.databind.JsonNode;
import dev.shimscope.model.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the journal that finishes a split exploration: every line of the setup's journal
 * (header, baseline, trace, argument values, test index) followed by the {@code experiment} lines
 * of every shard's journal, in shard order. Each shard's journal started as a copy of the
 * setup's, so its other lines are the setup's again (or its own owner lines) and are left out; a
 * shard of the features began as the merged journal of the syscall shards, so an experiment line
 * found twice is kept once. A journal merged this way, resumed by {@code explore}, goes on to the
 * plan exactly as a local exploration does. Lines cut short (a shard killed while writing) are
 * skipped, as the journal's reader skips them.
 */
final class JournalMerge {

    private JournalMerge() {
    }

    /** Writes the merged journal to {@code target} (atomically) and returns how many experiment lines it has. */
    static int merge(Path setup, List<Path> shards, Path target) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(setup, StandardCharsets.UTF_8));
        String header = firstHeader(lines, setup);
        int experiments = 0;
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (Path shard : shards) {
            List<String> shardLines = Files.readAllLines(shard, StandardCharsets.UTF_8);
            // the shard's journal is a copy of the setup's: same spec, same binary
            if (!header.equals(firstHeader(shardLines, shard))) {
                throw new IllegalStateException("the journal " + shard + " does not belong to the setup " + setup
                        + " (another header); run its shard again");
            }
            for (String line : shardLines) {
                JsonNode n = parse(line);
                if (n != null && "experiment".equals(n.path("type").asText()) && seen.add(n.toString())) {
                    lines.add(line);
                    experiments++;
                }
            }
        }
        Files.createDirectories(target.getParent());
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.writeString(tmp, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return experiments;
    }

    private static String firstHeader(List<String> lines, Path file) {
        for (String line : lines) {
            JsonNode n = parse(line);
            if (n != null && "header".equals(n.path("type").asText())) {
                return n.toString();
            }
        }
        throw new IllegalStateException("the journal " + file + " has no header; run its task again");
    }

    private static JsonNode parse(String line) {
        try {
            JsonNode n = Json.mapper().readTree(line);
            return n != null && n.isObject() ? n : null;
        } catch (IOException e) {
            return null; // a line cut short
        }
    }
}
