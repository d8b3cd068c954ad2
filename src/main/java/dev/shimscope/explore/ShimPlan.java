package dev.shimscope.explore;

import java.util.List;

/**
 * The joint configuration: which syscalls to implement, which to stub, which to fake, and
 * whether that exact configuration passed the workload {@code passes} times in a row.
 * {@code repairs} lists what had to change when the first configuration failed.
 */
public record ShimPlan(List<String> implement, List<String> stub, List<String> fake,
                       boolean verified, int passes, List<String> repairs, List<RunRecord> runs) {
    public ShimPlan {
        implement = List.copyOf(implement);
        stub = List.copyOf(stub);
        fake = List.copyOf(fake);
        repairs = List.copyOf(repairs);
        runs = List.copyOf(runs);
    }
}
