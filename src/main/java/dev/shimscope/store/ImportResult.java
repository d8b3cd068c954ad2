package dev.shimscope.store;

import java.util.List;

/**
 * What {@link ResultStore#importLoupe} did: runs added (of how many apps), runs already present
 * with the same data, runs skipped with the reason, notes about data read but ignored, and the
 * commit (null when nothing was new).
 */
public record ImportResult(String source, int apps, int added, int unchanged, List<String> skipped,
                           List<String> notes, String commit) {
    public ImportResult {
        skipped = List.copyOf(skipped);
        notes = List.copyOf(notes);
    }
}
