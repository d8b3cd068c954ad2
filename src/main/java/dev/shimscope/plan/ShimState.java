package dev.shimscope.plan;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * An OS in the middle of a plan: the syscalls it implements (starting with its support list),
 * the ones it fakes (returns 0), the ones listed as stubs (ENOSYS, which an OS also answers for a
 * syscall it does not know), and the applications it supports.
 *
 * <p>An app is supported when every IMPLEMENT need is implemented, every FAKE need is implemented
 * or faked, and every STUB need is implemented or not faked. Changes keep supported apps
 * supported: a syscall that a supported app needs stubbed is never faked; when another app needs
 * it faked, it is implemented instead, so the conflicting need does not vanish.
 *
 * <p>Syscalls and apps are numbered internally so that planners can afford to try every app at
 * every step; {@link #copy()} is cheap.
 */
public final class ShimState {

    /** What must change to support an app: syscalls to implement, to fake, and stubs to list. */
    public record Change(SortedSet<String> implement, SortedSet<String> fake, SortedSet<String> stub) {
        public Change {
            implement = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(implement));
            fake = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(fake));
            stub = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(stub));
        }
    }

    private static final byte IMPLEMENT = 0;
    private static final byte STUB = 1;
    private static final byte FAKE = 2;

    // shared, read-only after construction
    private final List<AppNeeds> apps;
    private final String[] names;
    private final int[][] appSyscalls;
    private final byte[][] appNeeds;

    // the state proper
    private final boolean[] implemented;
    private final boolean[] base;
    private final boolean[] faked;
    private final boolean[] stubbed;
    /** Supported apps that need the syscall stubbed while it is not implemented: it must not be faked. */
    private final int[] stubLocks;
    private final boolean[] supported;
    private int supportedCount;
    private int added;

    // scratch marks for gain(), stamped so they never need clearing
    private final int[] markImpl;
    private final int[] markFake;
    private int stamp;

    public ShimState(List<AppNeeds> apps, Set<String> baseImplemented) {
        this.apps = List.copyOf(apps);
        Map<String, Integer> ids = new HashMap<>();
        List<String> nameList = new ArrayList<>();
        for (String s : new TreeSet<>(baseImplemented)) {
            ids.computeIfAbsent(s, k -> { nameList.add(k); return nameList.size() - 1; });
        }
        this.appSyscalls = new int[apps.size()][];
        this.appNeeds = new byte[apps.size()][];
        for (int a = 0; a < apps.size(); a++) {
            Map<String, Need> needs = apps.get(a).needs();
            appSyscalls[a] = new int[needs.size()];
            appNeeds[a] = new byte[needs.size()];
            int i = 0;
            for (Map.Entry<String, Need> e : needs.entrySet()) {
                appSyscalls[a][i] = ids.computeIfAbsent(e.getKey(), k -> { nameList.add(k); return nameList.size() - 1; });
                appNeeds[a][i] = switch (e.getValue()) {
                    case IMPLEMENT -> IMPLEMENT;
                    case STUB -> STUB;
                    case FAKE -> FAKE;
                };
                i++;
            }
        }
        this.names = nameList.toArray(String[]::new);
        int n = names.length;
        this.implemented = new boolean[n];
        this.base = new boolean[n];
        for (String s : baseImplemented) {
            implemented[ids.get(s)] = true;
            base[ids.get(s)] = true;
        }
        this.faked = new boolean[n];
        this.stubbed = new boolean[n];
        this.stubLocks = new int[n];
        this.supported = new boolean[apps.size()];
        this.markImpl = new int[n];
        this.markFake = new int[n];
        refresh();
    }

    private ShimState(ShimState o) {
        this.apps = o.apps;
        this.names = o.names;
        this.appSyscalls = o.appSyscalls;
        this.appNeeds = o.appNeeds;
        this.implemented = o.implemented.clone();
        this.base = o.base;
        this.faked = o.faked.clone();
        this.stubbed = o.stubbed.clone();
        this.stubLocks = o.stubLocks.clone();
        this.supported = o.supported.clone();
        this.supportedCount = o.supportedCount;
        this.added = o.added;
        this.markImpl = new int[names.length];
        this.markFake = new int[names.length];
    }

    /** An independent copy (the app data is shared, it never changes). */
    public ShimState copy() {
        return new ShimState(this);
    }

    /** The apps, in the order given; planners refer to them by index. */
    public List<AppNeeds> apps() {
        return apps;
    }

    public boolean isSupported(int app) {
        return supported[app];
    }

    public int supportedCount() {
        return supportedCount;
    }

    /** Syscalls implemented beyond the starting support list. */
    public int addedImplementations() {
        return added;
    }

    public boolean isImplemented(String syscall) {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equals(syscall)) {
                return implemented[i];
            }
        }
        return false;
    }

    private boolean satisfied(int s, byte need) {
        if (implemented[s]) {
            return true;
        }
        return switch (need) {
            case STUB -> !faked[s];
            case FAKE -> faked[s];
            default -> false;
        };
    }

    private boolean computeSupported(int a) {
        int[] ss = appSyscalls[a];
        byte[] nn = appNeeds[a];
        for (int i = 0; i < ss.length; i++) {
            if (!satisfied(ss[i], nn[i])) {
                return false;
            }
        }
        return true;
    }

    /** Number of syscalls {@link #changeFor} would implement. */
    public int cost(int a) {
        int cost = 0;
        int[] ss = appSyscalls[a];
        byte[] nn = appNeeds[a];
        for (int i = 0; i < ss.length; i++) {
            int s = ss[i];
            if (implemented[s]) {
                continue;
            }
            switch (nn[i]) {
                case IMPLEMENT -> cost++;
                case STUB -> cost += faked[s] ? 1 : 0;
                case FAKE -> cost += stubLocks[s] > 0 ? 1 : 0;
                default -> throw new IllegalStateException();
            }
        }
        return cost;
    }

    /** Number of the app's syscalls that need an implementation and do not have one (Loupe's count). */
    public int missingImplementations(int a) {
        int n = 0;
        int[] ss = appSyscalls[a];
        byte[] nn = appNeeds[a];
        for (int i = 0; i < ss.length; i++) {
            if (nn[i] == IMPLEMENT && !implemented[ss[i]]) {
                n++;
            }
        }
        return n;
    }

    /** The smallest change that supports app {@code a} without breaking any supported app. */
    public Change changeFor(int a) {
        TreeSet<String> implement = new TreeSet<>();
        TreeSet<String> fake = new TreeSet<>();
        TreeSet<String> stub = new TreeSet<>();
        int[] ss = appSyscalls[a];
        byte[] nn = appNeeds[a];
        for (int i = 0; i < ss.length; i++) {
            int s = ss[i];
            if (implemented[s]) {
                continue;
            }
            switch (nn[i]) {
                case IMPLEMENT -> implement.add(names[s]);
                case STUB -> {
                    if (faked[s]) {
                        implement.add(names[s]);    // a supported app needs it faked, this one stubbed
                    } else if (!stubbed[s]) {
                        stub.add(names[s]);
                    }
                }
                case FAKE -> {
                    if (stubLocks[s] > 0) {
                        implement.add(names[s]);    // a supported app needs it stubbed, this one faked
                    } else if (!faked[s]) {
                        fake.add(names[s]);
                    }
                }
                default -> throw new IllegalStateException();
            }
        }
        return new Change(implement, fake, stub);
    }

    /**
     * How many apps that are not supported now (including {@code a}) would be after
     * {@link #apply}ing the change for {@code a}.
     */
    public int gain(int a) {
        stamp++;
        int[] ss = appSyscalls[a];
        byte[] nn = appNeeds[a];
        for (int i = 0; i < ss.length; i++) {
            int s = ss[i];
            if (implemented[s]) {
                continue;
            }
            switch (nn[i]) {
                case IMPLEMENT -> markImpl[s] = stamp;
                case STUB -> {
                    if (faked[s]) {
                        markImpl[s] = stamp;
                    }
                }
                case FAKE -> {
                    if (stubLocks[s] > 0) {
                        markImpl[s] = stamp;
                    } else {
                        markFake[s] = stamp;
                    }
                }
                default -> throw new IllegalStateException();
            }
        }
        int gain = 0;
        for (int b = 0; b < supported.length; b++) {
            if (supported[b]) {
                continue;
            }
            boolean ok = true;
            int[] bs = appSyscalls[b];
            byte[] bn = appNeeds[b];
            for (int i = 0; i < bs.length && ok; i++) {
                int s = bs[i];
                if (implemented[s] || markImpl[s] == stamp) {
                    continue;
                }
                boolean isFaked = faked[s] || markFake[s] == stamp;
                ok = switch (bn[i]) {
                    case STUB -> !isFaked;
                    case FAKE -> isFaked;
                    default -> false;
                };
            }
            if (ok) {
                gain++;
            }
        }
        return gain;
    }

    /**
     * How many unsupported apps need each syscall of the change for {@code a} implemented,
     * summed over the syscalls it implements: how much the change unlocks for the rest.
     */
    public long unlockWeight(int a, int[] implementDemand) {
        long w = 0;
        int[] ss = appSyscalls[a];
        byte[] nn = appNeeds[a];
        for (int i = 0; i < ss.length; i++) {
            int s = ss[i];
            if (implemented[s]) {
                continue;
            }
            boolean implementsIt = nn[i] == IMPLEMENT || (nn[i] == STUB && faked[s]) || (nn[i] == FAKE && stubLocks[s] > 0);
            if (implementsIt) {
                w += implementDemand[s];
            }
        }
        return w;
    }

    /** For each syscall, how many unsupported apps need it implemented (and it is not). */
    public int[] implementDemand() {
        int[] demand = new int[names.length];
        for (int b = 0; b < supported.length; b++) {
            if (supported[b]) {
                continue;
            }
            int[] bs = appSyscalls[b];
            byte[] bn = appNeeds[b];
            for (int i = 0; i < bs.length; i++) {
                if (bn[i] == IMPLEMENT && !implemented[bs[i]]) {
                    demand[bs[i]]++;
                }
            }
        }
        return demand;
    }

    /** Makes the change for app {@code a}; returns the apps supported now that were not before, by index. */
    public List<Integer> apply(int a) {
        int[] ss = appSyscalls[a];
        byte[] nn = appNeeds[a];
        for (int i = 0; i < ss.length; i++) {
            int s = ss[i];
            if (implemented[s]) {
                continue;
            }
            switch (nn[i]) {
                case IMPLEMENT -> implement(s);
                case STUB -> {
                    if (faked[s]) {
                        implement(s);
                    } else {
                        stubbed[s] = true;
                    }
                }
                case FAKE -> {
                    if (stubLocks[s] > 0) {
                        implement(s);
                    } else {
                        faked[s] = true;
                    }
                }
                default -> throw new IllegalStateException();
            }
        }
        boolean[] before = supported.clone();
        refresh();
        List<Integer> newly = new ArrayList<>();
        for (int b = 0; b < supported.length; b++) {
            if (before[b] && !supported[b]) {
                // cannot happen: changes never fake a stub-locked syscall nor remove anything
                throw new IllegalStateException("a plan step broke supported app " + apps.get(b).app());
            }
            if (!before[b] && supported[b]) {
                newly.add(b);
            }
        }
        if (!supported[a]) {
            throw new IllegalStateException("the change for " + apps.get(a).app() + " did not support it");
        }
        return newly;
    }

    private void implement(int s) {
        if (!implemented[s]) {
            implemented[s] = true;
            faked[s] = false;
            stubbed[s] = false;
            if (!base[s]) {
                added++;
            }
        }
    }

    private void refresh() {
        supportedCount = 0;
        java.util.Arrays.fill(stubLocks, 0);
        for (int a = 0; a < supported.length; a++) {
            supported[a] = computeSupported(a);
            if (supported[a]) {
                supportedCount++;
                int[] ss = appSyscalls[a];
                byte[] nn = appNeeds[a];
                for (int i = 0; i < ss.length; i++) {
                    if (nn[i] == STUB && !implemented[ss[i]]) {
                        stubLocks[ss[i]]++;
                    }
                }
            }
        }
    }

    /** Names of the supported apps, sorted. */
    public List<String> supportedApps() {
        return names(indicesOf(true));
    }

    /** Indices of the apps not supported yet, in order. */
    public List<Integer> unsupported() {
        return indicesOf(false);
    }

    private List<Integer> indicesOf(boolean value) {
        List<Integer> out = new ArrayList<>();
        for (int a = 0; a < supported.length; a++) {
            if (supported[a] == value) {
                out.add(a);
            }
        }
        return out;
    }

    /** App names for indices, sorted. */
    public List<String> names(Collection<Integer> appIndices) {
        List<String> out = new ArrayList<>();
        appIndices.forEach(i -> out.add(apps.get(i).app()));
        out.sort(null);
        return out;
    }
}
