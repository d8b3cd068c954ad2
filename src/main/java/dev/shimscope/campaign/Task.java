package dev.shimscope.campaign;

import java.nio.file.Path;
import java.util.List;

/**
 * One task of a campaign's script: an {@code explore} of {@code spec} into {@code dir}.
 *
 * @param number       its number in the script (the Slurm array index)
 * @param label        what to call it in messages ({@code redis}, {@code redis shard 2/4})
 * @param exploreArgs  arguments of this task only ({@code --shard 1/4})
 * @param seedJournal  a journal to start from when the task has none yet (a shard starts from the
 *                     setup's baseline and trace), or null
 */
record Task(int number, String label, TaskDir dir, Path spec, List<String> exploreArgs, Path seedJournal) {
}
