package dev.shimscope.staticsrc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.shimscope.store.Profile;
import dev.shimscope.store.ResultStore;
import dev.shimscope.store.StoreSnapshot;
import dev.shimscope.store.StoredRun;
import dev.shimscope.workload.Catalog;
import dev.shimscope.workload.WorkloadKind;
import dev.shimscope.workload.WorkloadSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Stores a source-level set in the results store beside the dynamic results: for every workload
 * of the app that has runs, a new run that repeats the newest one (its used set, verdicts,
 * static-binary set and details) and adds {@code static_sources}, so the newest run of each
 * workload carries all the measures ({@code db show}, the report's chart); for an app without
 * runs, a static-only run for each of its catalog workloads (or {@code benchmark-static} when the
 * catalog has none). Details record where the set came from and which run's data was repeated.
 */
public final class StoredSources {

    private StoredSources() {
    }

    public static List<StoredRun> save(ResultStore store, String app, Set<String> names, ObjectNode provenance)
            throws IOException {
        Map<String, Profile> newest = new LinkedHashMap<>();
        if (Files.exists(store.dir().resolve(ResultStore.MARKER))) {
            StoreSnapshot snap = store.read();
            for (Profile p : snap.latestByApp().getOrDefault(app, List.of())) {
                newest.put(p.workloadDir(), p);
            }
        }
        List<Profile> toSave = new ArrayList<>();
        Instant now = Instant.now();
        for (Profile p : newest.values()) {
            ObjectNode details = p.details().deepCopy();
            ObjectNode src = provenance.deepCopy();
            src.put("repeats_run", p.runId());
            details.set("static_sources", src);
            toSave.add(new Profile(p.app(), p.kind(), p.workload(), Profile.newRunId(now), now,
                    dev.shimscope.ToolVersion.get(), false, p.arch(), p.used(), p.verdicts(), p.staticBinary(), new java.util.TreeSet<>(names), details));
        }
        if (toSave.isEmpty()) {
            List<WorkloadSpec> specs = catalogWorkloads(app);
            if (specs.isEmpty()) {
                toSave.add(withProvenance(Profile.newStaticRun(app, WorkloadKind.BENCHMARK, "static", null, names), provenance));
            }
            for (WorkloadSpec s : specs) {
                toSave.add(withProvenance(Profile.newStaticRun(app, s.kind(), s.workload(), null, names), provenance));
            }
        }
        List<StoredRun> out = new ArrayList<>();
        for (Profile p : toSave) {
            out.add(store.save(p));
        }
        return out;
    }

    private static Profile withProvenance(Profile p, ObjectNode provenance) {
        ObjectNode details = p.details().deepCopy();
        details.set("static_sources", provenance.deepCopy());
        return p.withDetails(details);
    }

    private static List<WorkloadSpec> catalogWorkloads(String app) {
        List<WorkloadSpec> out = new ArrayList<>();
        Catalog.shipped().ifPresent(c -> {
            for (Catalog.Entry e : c.entries()) {
                try {
                    WorkloadSpec s = e.load();
                    if (s.app().equals(app)) {
                        out.add(s);
                    }
                } catch (RuntimeException ignored) {
                    // a spec that does not load names no workload here; 'catalog list' reports it
                }
            }
        });
        return out;
    }
}
