package dev.shimscope.report;

import dev.shimscope.campaign.CampaignEvent;
import dev.shimscope.campaign.CampaignListener;

import java.io.PrintWriter;

/**
 * Shows a campaign's progress on stderr, one line per step with the time since it started: what
 * it found (stored, to merge, to run), each job submitted to Slurm, each task started and ended
 * here, how many tasks on Slurm have ended, each result merged into the store.
 */
public final class CampaignProgress implements CampaignListener {

    private final PrintWriter err;
    private final long start = System.nanoTime();

    public CampaignProgress(PrintWriter err) {
        this.err = err;
    }

    @Override
    public synchronized void on(CampaignEvent event) {
        String line = switch (event) {
            case CampaignEvent.Planned p -> p.entries() + (p.entries() == 1 ? " entry" : " entries") + ": "
                    + p.stored() + " stored already (same spec and tool version), " + p.toMerge() + " explored and to merge, "
                    + p.toRun() + " to explore " + p.where() + (p.leftAlone() > 0 ? ", " + p.leftAlone()
                    + " left alone (they did not fail)" : "");
            case CampaignEvent.WaitingForEarlierJobs w -> "Slurm jobs " + String.join(", ", w.jobIds())
                    + " of an earlier run of this campaign are still queued or running: waiting for them";
            case CampaignEvent.Submitted s -> "submitted Slurm job " + s.jobId() + " (" + s.what() + ")";
            case CampaignEvent.TaskStarted t -> t.label() + ": started (log " + t.dir().log() + ")";
            case CampaignEvent.TaskEnded t -> t.label() + ": " + t.state().describe() + " after "
                    + String.format("%.1f s", t.wall().toMillis() / 1000.0);
            case CampaignEvent.Progress p -> "Slurm: " + p.ended() + " of " + p.total() + " tasks ended";
            case CampaignEvent.JournalsMerged j -> j.label() + ": journals of the setup and the shards merged ("
                    + j.experiments() + " experiment records); " + (j.forFeatures()
                    ? "the shards below the syscall start from them" : "the plan runs here");
            case CampaignEvent.Merged m -> (m.added() ? "stored " : "already in the store: ") + m.label() + " as "
                    + m.run().profile().relativeDir();
        };
        err.printf("[%6.1fs] %s%n", (System.nanoTime() - start) / 1e9, line);
        err.flush();
    }
}
