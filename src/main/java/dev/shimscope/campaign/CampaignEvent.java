package dev.shimscope.campaign;

import dev.shimscope.store.StoredRun;

import java.time.Duration;
import java.util.List;

/** What a campaign reports while it runs, to a {@link CampaignListener}. */
public sealed interface CampaignEvent {

    /**
     * What the campaign found before running anything: entries already stored (same spec hash
     * and tool version), results waiting to be merged, tasks to run, entries left alone
     * ({@code --retry-failed}: they did not fail).
     */
    record Planned(int entries, int stored, int toMerge, int toRun, int leftAlone, String where) implements CampaignEvent {
    }

    /** Slurm jobs of an earlier run of this campaign are still queued or running: waiting for them first. */
    record WaitingForEarlierJobs(List<String> jobIds) implements CampaignEvent {
    }

    /** A job array (or one job) went to Slurm. */
    record Submitted(String jobId, String what, int tasks) implements CampaignEvent {
    }

    /** A task started on this machine. */
    record TaskStarted(String label, TaskDir dir) implements CampaignEvent {
    }

    /** A task ended on this machine. */
    record TaskEnded(String label, TaskDir dir, TaskState state, Duration wall) implements CampaignEvent {
    }

    /** Tasks on Slurm: how many of them have ended so far. */
    record Progress(int ended, int total) implements CampaignEvent {
    }

    /**
     * The journals of a split exploration's setup and shards were merged into one: for the plan,
     * or ({@code forFeatures}) for the shards of the experiments below the syscall.
     */
    record JournalsMerged(String label, int experiments, boolean forFeatures) implements CampaignEvent {
    }

    /** A task's result went into the campaign's store ({@code added} false: it was there already). */
    record Merged(String label, StoredRun run, boolean added) implements CampaignEvent {
    }
}
