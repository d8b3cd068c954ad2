package dev.shimscope.plan;

import java.util.List;
import java.util.SortedSet;

/**
 * One step of a support plan: the app it targets, what to implement, fake (return 0) and stub
 * (return ENOSYS), the apps supported once it is done, and the running totals (syscalls
 * implemented beyond the OS's list, apps supported). Step 0 lists the apps the OS supports as it
 * is; it has no target and changes nothing.
 */
public record PlanStep(int number, String target, SortedSet<String> implement, SortedSet<String> fake,
                       SortedSet<String> stub, List<String> newlySupported, int implementedTotal,
                       int supportedTotal) {
    public PlanStep {
        newlySupported = List.copyOf(newlySupported);
    }
}
