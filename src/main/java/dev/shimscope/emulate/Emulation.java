package dev.shimscope.emulate;

import dev.shimscope.model.RunRecord;
import dev.shimscope.syscall.Syscall;

import java.time.Duration;
import java.util.List;
import java.util.SortedMap;

/**
 * The result of running a workload as if on another OS's syscall layer: whether it passed,
 * which syscalls the OS lacks that the application really called ({@link #hits}), and, when it
 * failed, the smallest set of them found to make it pass ({@link #toImplement}), verified by
 * passing runs with exactly that set added.
 *
 * @param os             name of the OS support list
 * @param defaultAction  what unsupported calls got: "stub" (-ENOSYS) or "fake" (0)
 * @param passed         the workload passed under the OS's list alone
 * @param failure        why it failed (null if it passed)
 * @param hits           unsupported syscalls the application called, with counts and arguments
 * @param toImplement    the smallest set found that makes it pass (empty if it passed), or null
 *                       if allowing every hit syscall still did not make it pass
 * @param alternatives   other single syscalls that each alone make it pass (when one suffices)
 * @param minimalProof   how minimal {@code toImplement} is: "single", "exhaustive", "1-minimal";
 *                       {@link Emulator#NOT_SEARCHED} when the search was skipped
 * @param verified       {@code toImplement} passed {@code verifyRuns} runs in a row
 * @param notes          caveats (e.g. execve is always allowed because the launch needs it)
 * @param cost           the OS's runs (with {@code toImplement} added) alone against the unaltered
 *                       workload alone, one comparison per measure; empty when it did not pass or
 *                       was not measured (a survey with --hits-only)
 */
public record Emulation(
        String os,
        String defaultAction,
        boolean passed,
        String failure,
        List<Hit> hits,
        List<String> toImplement,
        List<String> alternatives,
        String minimalProof,
        boolean verified,
        List<RunRecord> verifyRuns,
        List<String> notes,
        int runs,
        Duration wallTime,
        List<dev.shimscope.model.Comparison> cost) {

    public Emulation {
        cost = cost == null ? List.of() : List.copyOf(cost);
    }

    /** An unsupported syscall the application called. */
    public record Hit(@com.fasterxml.jackson.annotation.JsonIgnore Syscall syscall, long calls, long failures, SortedMap<String, SortedMap<String, Long>> args) {

        @com.fasterxml.jackson.annotation.JsonProperty("number")
        public int number() {
            return syscall.number();
        }

        @com.fasterxml.jackson.annotation.JsonProperty("name")
        public String name() {
            return syscall.name();
        }
    }
}
