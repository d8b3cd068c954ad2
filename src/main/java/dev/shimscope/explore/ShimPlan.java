package dev.shimscope.explore;

import java.util.List;

/**
 * The shim plan: which syscalls to implement, which to stub, which to fake, and whether exactly
 * that configuration passed the workload {@code passes} times in a row with every other syscall
 * returning -ENOSYS (as on an OS that implements exactly the plan). {@code fallbacks} are
 * syscalls the application called only under the plan (a stubbed call made it take another
 * path); each is in {@code implement} or, if the plan survives it returning ENOSYS, in
 * {@code stub}. {@code repairs} lists what had to change on the way; {@code runs} are all runs of
 * the plan phase, {@code verification} the ones that verified the final plan.
 */
public record ShimPlan(List<String> implement, List<String> stub, List<String> fake, List<String> fallbacks,
                       boolean verified, int passes, List<String> repairs, List<RunRecord> runs,
                       List<RunRecord> verification) {
    public ShimPlan {
        implement = List.copyOf(implement);
        stub = List.copyOf(stub);
        fake = List.copyOf(fake);
        fallbacks = List.copyOf(fallbacks);
        repairs = List.copyOf(repairs);
        runs = List.copyOf(runs);
        verification = List.copyOf(verification);
    }
}
