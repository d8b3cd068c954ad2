package dev.shimscope.campaign;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the one script that runs a campaign's tasks, locally ({@code bash SCRIPT N}) and on
 * Slurm ({@code sbatch --array=... SCRIPT}, the task number from {@code SLURM_ARRAY_TASK_ID}):
 * both go through the same lines. A task runs {@code explore} with its own store, journal, JSON
 * and log in its directory, resumes its journal if it has one, and writes its exit status when
 * explore ends. A TERM or INT (Ctrl-C, {@code scancel}, Slurm's warning before the time limit) is
 * passed to explore alone, which stops its sandboxes and keeps its journal; the status then says
 * {@code interrupted}. Slurm copies a batch script when it is submitted, so rewriting the file
 * never changes a job already queued.
 */
final class TaskScript {

    private TaskScript() {
    }

    static void write(Path file, Path campaignDir, List<String> shimscope, List<String> commonExploreArgs, List<Task> tasks)
            throws IOException {
        StringBuilder s = new StringBuilder();
        s.append("#!/bin/bash\n");
        s.append("# Written by 'shimscope campaign' for ").append(campaignDir).append(".\n");
        s.append("# Runs task N of the campaign: N is $1, else SLURM_ARRAY_TASK_ID (a Slurm job array).\n");
        s.append("#SBATCH --job-name=shimscope-campaign\n");
        s.append("#SBATCH --signal=B:TERM@120\n");
        s.append("set -u\n");
        s.append("shimscope=(").append(words(shimscope)).append(")\n");
        s.append("common=(").append(words(commonExploreArgs)).append(")\n");
        s.append("task=${1:-${SLURM_ARRAY_TASK_ID:-}}\n");
        s.append("case $task in\n");
        for (Task t : tasks) {
            s.append("  ").append(t.number()).append(") dir=").append(quote(t.dir().dir().toString()))
                    .append("; spec=").append(quote(t.spec().toString()))
                    .append("; extra=(").append(words(t.exploreArgs())).append(")")
                    .append("; seed=").append(quote(t.seedJournal() == null ? "" : t.seedJournal().toString()))
                    .append(" ;;\n");
        }
        s.append("  *) echo \"shimscope campaign: no task '$task' in $0\" >&2; exit 2 ;;\n");
        s.append("esac\n");
        s.append("""
                mkdir -p "$dir" || exit 1
                rm -f "$dir/status"
                # a shard starts from the setup's journal (baseline and trace) and adds its experiments to it
                if [ -n "$seed" ] && [ ! -s "$dir/journal" ]; then
                  cp "$seed" "$dir/journal.tmp" && mv "$dir/journal.tmp" "$dir/journal" || exit 1
                fi
                resume=()
                [ -s "$dir/journal" ] && resume=(--resume)
                echo "task $task on $(hostname), pid $$${SLURM_JOB_ID:+, Slurm job ${SLURM_ARRAY_JOB_ID:-$SLURM_JOB_ID}${SLURM_ARRAY_TASK_ID:+_$SLURM_ARRAY_TASK_ID}}, started $(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)" > "$dir/started"
                "${shimscope[@]}" explore "$spec" "${extra[@]}" "${common[@]}" --db "$dir/db" --journal "$dir/journal" \\
                  --json-file "$dir/result.json" "${resume[@]}" > "$dir/log" 2>&1 < /dev/null &
                child=$!
                interrupted=
                # to explore alone: it stops its sandboxes itself and keeps its journal
                trap 'interrupted=1; kill -TERM "$child" 2>/dev/null' TERM INT
                wait "$child"
                status=$?
                while [ -n "$interrupted" ] && kill -0 "$child" 2>/dev/null; do
                  wait "$child"
                  status=$?
                done
                if [ -n "$interrupted" ]; then echo interrupted; else echo "$status"; fi > "$dir/status.tmp"
                mv "$dir/status.tmp" "$dir/status"
                exit "$status"
                """);
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, s.toString(), StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static String words(List<String> words) {
        List<String> q = new ArrayList<>();
        words.forEach(w -> q.add(quote(w)));
        return String.join(" ", q);
    }

    /** A bash word that is exactly {@code text}. */
    static String quote(String text) {
        return "'" + text.replace("'", "'\\''") + "'";
    }
}
