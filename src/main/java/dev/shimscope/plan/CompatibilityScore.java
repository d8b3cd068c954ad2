package dev.shimscope.plan;

import dev.shimscope.model.OsDescription;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How compatible an OS is with a set of applications, two ways.
 * <ul>
 *   <li><b>Apps supported</b>: the share of applications whose every need the OS meets as it is,
 *   taking its list as implemented and anything else as answered with ENOSYS: every required
 *   syscall and every fake-only syscall must be on the list (stub-only ones need nothing).
 *   {@code withFakes} counts the apps it would support once it fakes the fake-only syscalls it
 *   lacks, i.e. whose required syscalls are all on the list.</li>
 *   <li><b>Weighted score</b> (Loupe's): the weight of a syscall is the number of applications
 *   that require it (need an implementation); the score is the sum of the weights of the syscalls
 *   on the OS's list divided by the sum of all weights.</li>
 * </ul>
 */
public final class CompatibilityScore {

    /** The score of one OS; {@code missing} are the required syscalls it lacks, heaviest first. */
    public record OsScore(String os, String source, int listed, int apps, int supported, int withFakes,
                          long weight, long totalWeight, List<Map.Entry<String, Integer>> missing) {
        public OsScore {
            missing = List.copyOf(missing);
        }

        public double supportedShare() {
            return apps == 0 ? 0 : (double) supported / apps;
        }

        public double withFakesShare() {
            return apps == 0 ? 0 : (double) withFakes / apps;
        }

        public double weightedScore() {
            return totalWeight == 0 ? 1.0 : (double) weight / totalWeight;
        }
    }

    private CompatibilityScore() {
    }

    /** For each syscall, the number of apps that require it (need an implementation). */
    public static Map<String, Integer> weights(List<AppNeeds> apps) {
        Map<String, Integer> w = new TreeMap<>();
        for (AppNeeds a : apps) {
            a.needs().forEach((s, n) -> {
                if (n == Need.IMPLEMENT) {
                    w.merge(s, 1, Integer::sum);
                }
            });
        }
        return w;
    }

    /** Scores each OS, best first (weighted score, then apps supported, then name). */
    public static List<OsScore> score(List<AppNeeds> apps, List<OsDescription> oses) {
        Map<String, Integer> weights = weights(apps);
        long total = weights.values().stream().mapToLong(Integer::longValue).sum();
        List<OsScore> out = new ArrayList<>();
        for (OsDescription os : oses) {
            ShimState state = new ShimState(apps, os.implemented());
            int withFakes = 0;
            for (AppNeeds a : apps) {
                if (os.implemented().containsAll(a.with(Need.IMPLEMENT))) {
                    withFakes++;
                }
            }
            long weight = 0;
            Map<String, Integer> missing = new HashMap<>();
            for (Map.Entry<String, Integer> e : weights.entrySet()) {
                if (os.supports(e.getKey())) {
                    weight += e.getValue();
                } else {
                    missing.put(e.getKey(), e.getValue());
                }
            }
            List<Map.Entry<String, Integer>> missingSorted = new ArrayList<>(missing.entrySet());
            missingSorted.sort(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()));
            out.add(new OsScore(os.name(), os.source(), os.implemented().size(), apps.size(), state.supportedCount(),
                    withFakes, weight, total, missingSorted));
        }
        out.sort(Comparator.comparingDouble(OsScore::weightedScore).reversed()
                .thenComparing(Comparator.comparingInt(OsScore::supported).reversed())
                .thenComparing(OsScore::os));
        return out;
    }
}
