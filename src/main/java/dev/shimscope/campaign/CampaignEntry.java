package dev.shimscope.campaign;

import dev.shimscope.explore.Environment;
import dev.shimscope.workload.Catalog;
import dev.shimscope.workload.WorkloadSpec;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One exploration of a campaign: a catalog entry or a spec file, as the user named it, with its
 * loaded spec and the hash that ties a stored result to the spec as it is now (the hash
 * {@code explore} records: the spec file and the files it names). Two entries of one campaign
 * never share a workload ({@link #key()}): their results would land in the same place.
 *
 * @param target as given on the command line (a catalog name or a spec file)
 */
public record CampaignEntry(String target, WorkloadSpec spec, String specSha256) {

    /** Where its results live in a store: {@code APP/WORKLOAD_DIR}. */
    public String key() {
        return spec.app() + "/" + spec.kind().dirName(spec.workload());
    }

    /** The name to show: the catalog name, or the spec file as given. */
    public String label() {
        return target;
    }

    /**
     * Resolves what the user named: every name must be a spec file or a catalog entry, and no
     * two may be the same workload. Nothing is run or written; a bad name is one line.
     */
    public static List<CampaignEntry> resolve(List<String> targets) {
        Map<String, CampaignEntry> byKey = new LinkedHashMap<>();
        for (String t : targets) {
            WorkloadSpec spec = Catalog.resolveTarget(t);
            CampaignEntry e = new CampaignEntry(t, spec, Environment.collect(spec).get("specSha256"));
            CampaignEntry other = byKey.putIfAbsent(e.key(), e);
            if (other != null) {
                throw new IllegalArgumentException("'" + other.target() + "' and '" + t + "' are the same workload ("
                        + e.key() + "): one result would replace the other's; name it once");
            }
        }
        return new ArrayList<>(byKey.values());
    }

    /** Every entry of the shipped catalog, in its order. */
    public static List<CampaignEntry> catalog() {
        Catalog catalog = Catalog.shipped().orElseThrow(() -> new IllegalArgumentException(
                "--catalog: no catalog was found (set SHIMSCOPE_CATALOG to its directory)"));
        List<String> names = catalog.entries().stream().map(Catalog.Entry::name).toList();
        if (names.isEmpty()) {
            throw new IllegalArgumentException("--catalog: the catalog " + catalog.dir() + " has no entries");
        }
        return resolve(names);
    }
}
