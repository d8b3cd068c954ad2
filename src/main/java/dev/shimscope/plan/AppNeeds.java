package dev.shimscope.plan;

import dev.shimscope.model.Suggestions;
import dev.shimscope.model.Verdict;
import dev.shimscope.store.Profile;
import dev.shimscope.store.StoreSnapshot;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What one application needs of each syscall it uses under the selected workloads (the newest
 * run of each workload directory). With several workloads the needs combine so that all of
 * them pass: a syscall one workload needs stubbed and another needs faked needs an
 * implementation, because an OS answers a syscall one way. Syscalls that can be stubbed or faked
 * in every workload need nothing and are not listed.
 */
public record AppNeeds(String app, List<String> workloads, SortedMap<String, Need> needs) {

    public AppNeeds {
        workloads = List.copyOf(workloads);
        needs = Collections.unmodifiableSortedMap(new TreeMap<>(needs));
    }

    /** The syscalls with this need. */
    public List<String> with(Need need) {
        List<String> out = new ArrayList<>();
        needs.forEach((s, n) -> {
            if (n == need) {
                out.add(s);
            }
        });
        return out;
    }

    /**
     * The needs of the selected apps ({@code *} or a list of names) under the selected workloads.
     * With {@code *}, apps without results for the selection are left out; a named app that is
     * unknown or has no such results is an error.
     */
    public static List<AppNeeds> select(StoreSnapshot snapshot, List<String> apps, WorkloadSelection selection) {
        SortedMap<String, List<Profile>> latest = snapshot.latestByApp();
        boolean all = apps.size() == 1 && apps.getFirst().equals("*");
        List<String> names = all ? new ArrayList<>(latest.keySet()) : apps;
        List<AppNeeds> out = new ArrayList<>();
        for (String app : names) {
            List<Profile> profiles = latest.get(app);
            if (profiles == null) {
                throw new IllegalArgumentException("no app '" + app + "' in the results store"
                        + Suggestions.hint(app, latest.keySet()) + "; see 'shimscope db list'");
            }
            List<Profile> chosen = profiles.stream()
                    .filter(p -> selection.includes(p.kind()) && p.hasDynamic())
                    .toList();
            if (chosen.isEmpty()) {
                if (all) {
                    continue;
                }
                throw new IllegalArgumentException("app '" + app + "' has no dynamic " + selection.id()
                        + " results (it has: " + String.join(", ", profiles.stream().map(Profile::workloadDir).toList()) + ")");
            }
            out.add(of(app, chosen));
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no app in the results store has dynamic " + selection.id() + " results");
        }
        return out;
    }

    /** Combines the verdicts of several workloads of one app. */
    public static AppNeeds of(String app, List<Profile> profiles) {
        Map<String, Set<Behaviour>> allowed = new HashMap<>();
        List<String> workloads = new ArrayList<>();
        for (Profile p : profiles) {
            workloads.add(p.workloadDir());
            p.verdicts().forEach((syscall, verdict) ->
                    allowed.computeIfAbsent(syscall, s -> EnumSet.allOf(Behaviour.class)).retainAll(allowedBy(verdict)));
        }
        TreeMap<String, Need> needs = new TreeMap<>();
        allowed.forEach((syscall, set) -> {
            boolean stub = set.contains(Behaviour.STUB);
            boolean fake = set.contains(Behaviour.FAKE);
            if (!stub && !fake) {
                needs.put(syscall, Need.IMPLEMENT);
            } else if (stub && !fake) {
                needs.put(syscall, Need.STUB);
            } else if (fake && !stub) {
                needs.put(syscall, Need.FAKE);
            }
        });
        return new AppNeeds(app, workloads, needs);
    }

    /** What an OS may answer a syscall with. */
    private enum Behaviour { IMPLEMENT, STUB, FAKE }

    private static Set<Behaviour> allowedBy(Verdict v) {
        return switch (v) {
            case REQUIRED, FLAKY -> EnumSet.of(Behaviour.IMPLEMENT);
            case STUB_ONLY -> EnumSet.of(Behaviour.IMPLEMENT, Behaviour.STUB);
            case FAKE_ONLY -> EnumSet.of(Behaviour.IMPLEMENT, Behaviour.FAKE);
            case BOTH -> EnumSet.allOf(Behaviour.class);
        };
    }
}
