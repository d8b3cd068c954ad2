package dev.shimscope.campaign;

import dev.shimscope.io.OwnerLock;
import dev.shimscope.io.UserDirs;
import dev.shimscope.model.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A campaign's working directory, on the file system its tasks share: {@code campaign.json}
 * (the entries of its last run, for {@code --retry-failed}), {@code task.sh} (the script every
 * task runs), {@code tasks/APP/WORKLOAD_DIR/} (one {@link TaskDir} per entry; a split
 * exploration's {@code setup}, {@code shard-I-of-N} and {@code finish} below it), {@code slurm/}
 * (the jobs submitted and not yet seen to end, Slurm's own output of each task), {@code tool/}
 * (the copy of shimscope the tasks run). One coordinator at a time: it holds {@code .lock}.
 */
public final class CampaignDir {

    private final Path dir;

    public CampaignDir(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    /** The default: {@code $XDG_STATE_HOME/shimscope/campaign}, else {@code ~/.local/state/shimscope/campaign}. */
    public static Path defaultDir() {
        return UserDirs.stateHome().resolve("shimscope").resolve("campaign");
    }

    public Path dir() {
        return dir;
    }

    Path script() {
        return dir.resolve("task.sh");
    }

    Path slurmDir() {
        return dir.resolve("slurm");
    }

    Path toolDir() {
        return dir.resolve("tool");
    }

    private Path jobsFile() {
        return slurmDir().resolve("jobs");
    }

    private Path manifest() {
        return dir.resolve("campaign.json");
    }

    /** The task directory of an entry. */
    TaskDir task(CampaignEntry e) {
        return new TaskDir(dir.resolve("tasks").resolve(e.spec().app()).resolve(e.spec().kind().dirName(e.spec().workload())));
    }

    /**
     * Checks, creating nothing, that the directory can be a campaign's: missing (its parent
     * writable), or a directory that is writable and either empty or a campaign's.
     */
    static void checkUsable(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        if (Files.isDirectory(abs)) {
            if (!Files.isWritable(abs)) {
                throw new IllegalArgumentException("campaign directory " + abs + " is not writable; choose another with --dir");
            }
            try (var s = Files.list(abs)) {
                if (s.findAny().isPresent() && !Files.isRegularFile(abs.resolve("campaign.json"))) {
                    throw new IllegalArgumentException(abs + " is not empty and not a campaign directory; choose a new"
                            + " or empty one with --dir");
                }
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read the campaign directory " + abs + ": " + e.getMessage());
            }
            return;
        }
        if (Files.exists(abs)) {
            throw new IllegalArgumentException("campaign directory " + abs + " is a file; choose a directory with --dir");
        }
        Path existing = abs.getParent();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !Files.isDirectory(existing) || !Files.isWritable(existing)) {
            throw new IllegalArgumentException("cannot create the campaign directory " + abs + ": " + existing
                    + " is not a writable directory; choose another with --dir");
        }
    }

    /** Takes the coordinator's lock, or fails naming the process that holds it. */
    OwnerLock lock() throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(".lock");
        OwnerLock lock = OwnerLock.acquire(file);
        if (lock == null) {
            long pid = OwnerLock.holder(file);
            throw new IllegalStateException("the campaign " + dir + " is being run by " + (pid > 0 ? "process " + pid
                    : "another process") + "; wait for it, or give this one its own --dir");
        }
        return lock;
    }

    /** What a campaign was started with, for {@code --retry-failed}. */
    public record Manifest(List<String> targets, Integer split) {
    }

    void writeManifest(Manifest m) throws IOException {
        writeAtomically(manifest(), Json.write(Json.mapper().valueToTree(m)));
    }

    /** The manifest of the campaign's last run; fails with one line when there is none. */
    public static Manifest readManifest(Path dir) {
        Path file = dir.toAbsolutePath().normalize().resolve("campaign.json");
        try {
            return Json.mapper().readValue(Files.readString(file, StandardCharsets.UTF_8), Manifest.class);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException("--retry-failed: no campaign in " + file.getParent()
                    + " (no campaign.json); name the campaign's directory with --dir");
        } catch (IOException e) {
            throw new IllegalArgumentException("--retry-failed: cannot read " + file + ": " + e.getMessage());
        }
    }

    /** Slurm jobs submitted by this campaign that were not yet seen to end. */
    List<String> jobs() throws IOException {
        if (!Files.isRegularFile(jobsFile())) {
            return List.of();
        }
        List<String> ids = new ArrayList<>();
        for (String line : Files.readAllLines(jobsFile(), StandardCharsets.UTF_8)) {
            if (line.strip().matches("\\d+")) {
                ids.add(line.strip());
            }
        }
        return ids;
    }

    void addJob(String id) throws IOException {
        List<String> ids = new ArrayList<>(jobs());
        ids.add(id);
        writeAtomically(jobsFile(), String.join("\n", ids) + "\n");
    }

    void clearJobs() throws IOException {
        Files.deleteIfExists(jobsFile());
    }

    private static void writeAtomically(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
