package dev.shimscope.campaign;

import dev.shimscope.ToolVersion;
import dev.shimscope.store.StoredRun;

import java.util.List;
import java.util.Optional;

/** Which stored result counts as an entry's: same workload, same spec hash, same tool version. */
final class Stored {

    private Stored() {
    }

    static Optional<StoredRun> matching(List<StoredRun> runs, CampaignEntry entry) {
        return runs.stream()
                .filter(r -> (r.profile().app() + "/" + r.profile().workloadDir()).equals(entry.key()))
                .filter(r -> entry.specSha256().equals(r.profile().specSha256()))
                .filter(r -> ToolVersion.get().equals(r.profile().toolVersion()) && !r.profile().imported())
                .findFirst();
    }
}
