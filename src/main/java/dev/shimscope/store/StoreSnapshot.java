package dev.shimscope.store;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a {@link ResultStore} held when it was read: every complete result, the newest run of
 * each workload, and the directories that were skipped because they hold no complete result
 * (an interrupted write, or files not written by shimscope).
 */
public final class StoreSnapshot {

    private static final Comparator<StoredRun> ORDER = Comparator
            .comparing((StoredRun r) -> r.profile().app())
            .thenComparing(r -> r.profile().workloadDir())
            .thenComparing(StoredRun::profile, Profile.NEWEST_FIRST);

    private final List<StoredRun> runs;
    private final List<String> ignored;

    StoreSnapshot(List<StoredRun> runs, List<String> ignored) {
        List<StoredRun> sorted = new ArrayList<>(runs);
        sorted.sort(ORDER);
        this.runs = Collections.unmodifiableList(sorted);
        this.ignored = List.copyOf(ignored);
    }

    /** Every complete result: by app, then workload directory, newest run first. */
    public List<StoredRun> runs() {
        return runs;
    }

    /** Directories skipped while reading, each with the reason. */
    public List<String> ignored() {
        return ignored;
    }

    /** The newest run of each workload of each app, by app name, then workload directory. */
    public SortedMap<String, List<Profile>> latestByApp() {
        SortedMap<String, List<Profile>> out = new TreeMap<>();
        Map<String, Profile> seen = new LinkedHashMap<>();
        for (StoredRun r : runs) {
            String key = r.profile().app() + "/" + r.profile().workloadDir();
            // runs are sorted newest first within a workload, so the first one wins
            if (seen.putIfAbsent(key, r.profile()) == null) {
                out.computeIfAbsent(r.profile().app(), a -> new ArrayList<>()).add(r.profile());
            }
        }
        return out;
    }

    /** The newest run of each workload, in the order of {@link #latestByApp()}. */
    public List<Profile> latest() {
        List<Profile> out = new ArrayList<>();
        latestByApp().values().forEach(out::addAll);
        return out;
    }

    /** All runs of one app, grouped as in {@link #runs()}. */
    public List<StoredRun> runsOf(String app) {
        return runs.stream().filter(r -> r.profile().app().equals(app)).toList();
    }

    /** The newest run of a workload directory ({@code benchmark-wrk}, {@code suite}, ...). */
    public Optional<Profile> latest(String app, String workloadDir) {
        return runs.stream()
                .filter(r -> r.profile().app().equals(app) && r.profile().workloadDir().equals(workloadDir))
                .map(StoredRun::profile)
                .findFirst();
    }

    public boolean isEmpty() {
        return runs.isEmpty();
    }
}
