package dev.shimscope.campaign;

import dev.shimscope.store.StoredRun;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What a campaign did with each of its entries, in their order, and how long it took.
 *
 * @param store the campaign's results store
 * @param dir   the campaign directory
 */
public record CampaignOutcome(Path store, Path dir, List<EntryOutcome> entries, Duration wall) {

    /** How an entry ended. */
    public enum Result {
        /** Stored before this run, for the same spec and tool version: nothing was done. */
        ALREADY_STORED,
        /** Explored (now or in an earlier, interrupted run) and merged into the store by this run. */
        STORED,
        /** Its task did not succeed: see {@code reason} and {@code log}. */
        FAILED,
        /** Not run by this campaign ({@code --retry-failed}: it had not failed). */
        LEFT_ALONE
    }

    /**
     * @param run    the stored result (null unless stored)
     * @param reason why it failed (null unless failed)
     * @param logs   the logs that say more (a failed task's explore output; for a split
     *               exploration every failed part's)
     */
    public record EntryOutcome(CampaignEntry entry, Result result, StoredRun run, String reason, List<Path> logs) {
    }

    public long count(Result r) {
        return entries.stream().filter(e -> e.result() == r).count();
    }

    /** True when every entry is stored (now or before). */
    public boolean allStored() {
        return entries.stream().allMatch(e -> e.result() == Result.STORED || e.result() == Result.ALREADY_STORED);
    }

    /** True when some stored result has a shim plan that could not be verified. */
    public boolean someUnverified() {
        return entries.stream().anyMatch(e -> e.run() != null && e.run().profile().hasDynamic()
                && e.run().profile().verifiedPlan().isEmpty());
    }
}
