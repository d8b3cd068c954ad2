package dev.shimscope.plan;

import java.util.Arrays;

/**
 * The cumulative support curve of a plan: for every number x of syscalls implemented (beyond
 * the OS's list), how many of the apps the plan is run on are supported after following the plan
 * up to x implementations. A step that implements k syscalls supports its apps only when all k
 * are done, so the curve is flat inside a step.
 */
public final class SupportCurve {

    private final int apps;
    private final int[] supported;

    /** {@code supported[x]} for x = 0 .. implementations of the whole plan. */
    SupportCurve(int apps, int[] supported) {
        this.apps = apps;
        this.supported = supported.clone();
    }

    /** Builds the curve from (implementations so far, apps supported so far) after each step. */
    static SupportCurve ofSteps(int apps, int[] stepX, int[] stepY) {
        int last = stepX.length == 0 ? 0 : stepX[stepX.length - 1];
        int[] y = new int[last + 1];
        int j = 0;
        int current = 0;
        for (int x = 0; x <= last; x++) {
            while (j < stepX.length && stepX[j] <= x) {
                current = Math.max(current, stepY[j]);
                j++;
            }
            y[x] = current;
        }
        return new SupportCurve(apps, y);
    }

    public int apps() {
        return apps;
    }

    /** Syscalls implemented when the whole plan is done. */
    public int lastX() {
        return supported.length - 1;
    }

    /** Apps supported with x syscalls implemented (the final value past the end). */
    public int at(int x) {
        if (x < 0) {
            throw new IllegalArgumentException("negative x");
        }
        return supported[Math.min(x, supported.length - 1)];
    }

    /**
     * Area under the curve over x = 0 .. {@code lastX}, as a share of the area of supporting every
     * app from the start (1.0); compare two plans over the same {@code lastX}.
     */
    public double area(int lastX) {
        long sum = 0;
        for (int x = 0; x <= lastX; x++) {
            sum += at(x);
        }
        return apps == 0 ? 1.0 : (double) sum / ((long) (lastX + 1) * apps);
    }

    /** The fewest implementations after which at least {@code share} of the apps are supported; -1 if never. */
    public int syscallsFor(double share) {
        int needed = (int) Math.ceil(share * apps - 1e-9);
        for (int x = 0; x < supported.length; x++) {
            if (supported[x] >= needed) {
                return x;
            }
        }
        return -1;
    }

    /** True when this curve is at or above {@code other} at every x. */
    public boolean dominates(SupportCurve other) {
        int last = Math.max(lastX(), other.lastX());
        for (int x = 0; x <= last; x++) {
            if (at(x) < other.at(x)) {
                return false;
            }
        }
        return true;
    }

    public int[] values() {
        return supported.clone();
    }

    @Override
    public String toString() {
        return Arrays.toString(supported);
    }
}
