package dev.shimscope.report;

import dev.shimscope.campaign.CampaignOutcome;
import dev.shimscope.model.Verdict;
import dev.shimscope.store.Profile;

import java.nio.file.Path;

/**
 * The terminal summary of a campaign: one line per entry (stored now or before, with its verdict
 * counts and whether its plan is verified; or why it failed and where its logs are), then the
 * totals and, when some failed, the command that runs them alone again.
 */
public final class CampaignReport {

    private CampaignReport() {
    }

    /** @param retryCommand the command line that retries the failed entries (shown when some failed) */
    public static String text(CampaignOutcome o, String retryCommand) {
        StringBuilder sb = new StringBuilder();
        int width = o.entries().stream().mapToInt(e -> e.entry().label().length()).max().orElse(0);
        for (CampaignOutcome.EntryOutcome e : o.entries()) {
            sb.append(String.format("%-" + width + "s  ", e.entry().label()));
            switch (e.result()) {
                case ALREADY_STORED -> sb.append("stored before   ").append(counts(e.run().profile()));
                case STORED -> sb.append("stored          ").append(counts(e.run().profile()));
                case LEFT_ALONE -> sb.append("left alone      (it did not fail last time: run the campaign without --retry-failed for it)");
                case FAILED -> {
                    sb.append("FAILED          ").append(e.reason());
                    for (Path log : e.logs()) {
                        sb.append('\n').append(" ".repeat(width + 18)).append("log: ").append(log);
                    }
                }
            }
            sb.append('\n');
        }
        long stored = o.count(CampaignOutcome.Result.STORED);
        long before = o.count(CampaignOutcome.Result.ALREADY_STORED);
        long failed = o.count(CampaignOutcome.Result.FAILED);
        sb.append(String.format("%d entries: %d stored now, %d stored before, %d failed", o.entries().size(), stored,
                before, failed));
        long left = o.count(CampaignOutcome.Result.LEFT_ALONE);
        if (left > 0) {
            sb.append(", ").append(left).append(" left alone");
        }
        sb.append(String.format(" in %.1f s; store %s, campaign %s%n", o.wall().toMillis() / 1000.0, o.store(), o.dir()));
        if (failed > 0) {
            sb.append("run the failed ones alone again with: ").append(retryCommand).append('\n');
        }
        return sb.toString();
    }

    private static String counts(Profile p) {
        if (!p.hasDynamic()) {
            return "(no dynamic analysis)";
        }
        return String.format("%d used: %d required, %d stub only, %d fake only, %d both, %d flaky; plan %s",
                p.used().size(), p.withVerdict(Verdict.REQUIRED).size(), p.withVerdict(Verdict.STUB_ONLY).size(),
                p.withVerdict(Verdict.FAKE_ONLY).size(), p.withVerdict(Verdict.BOTH).size(),
                p.withVerdict(Verdict.FLAKY).size(), p.verifiedPlan().isPresent() ? "verified" : "NOT verified");
    }
}
