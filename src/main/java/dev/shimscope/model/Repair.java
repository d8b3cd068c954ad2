package dev.shimscope.model;

import dev.shimscope.syscall.Syscall;

/**
 * One change the exploration made to its shim plan on the way to a verified one, with the reason
 * and the run that proved it: a fallback the application called only under the plan, a conflict
 * between candidates found by the search, or a repair undone because the final plan survives
 * without it.
 *
 * @param syscall the syscall whose treatment changed
 * @param cause   why
 * @param from    its treatment before (null: it was not in the plan)
 * @param to      its treatment after
 * @param proof   the run that showed it (a failing run for a fallback or conflict, a passing one
 *                for a stub that the plan survives)
 */
public record Repair(Syscall syscall, Cause cause, Treatment from, Treatment to, RunRecord proof) {

    /** Why a plan changed. */
    public enum Cause {
        /** Called only under the plan (the application took another path); the plan fails without it. */
        FALLBACK,
        /** A fallback the plan survives returning ENOSYS. */
        FALLBACK_STUBBED,
        /** Works alone but not together with the other candidates. */
        CONFLICT,
        /**
         * Made costlier by a repair (implemented, or faked instead of stubbed), then found
         * unnecessary: the final plan passes with the cheaper treatment.
         */
        NOT_NEEDED,
        /**
         * Made cheaper alone (its trial passed), after which the plan, which had passed, failed:
         * it gets its repair back and keeps it.
         */
        RESTORED
    }

    /** One line for people: "clone3: works alone but not together with the others; implement it". */
    public String describe() {
        String what = switch (cause) {
            case FALLBACK -> "called only under the plan (a fallback); the plan fails when it returns ENOSYS";
            case FALLBACK_STUBBED -> "a fallback the plan survives returning ENOSYS";
            case CONFLICT -> "works alone but not together with the others";
            case NOT_NEEDED -> from != null && from.kind() == Treatment.Kind.FAKE
                    ? "the final plan passes with it returning ENOSYS instead of 0"
                    : "the final plan passes without its implementation";
            case RESTORED -> "the plan passed with it as it was and fails since it was made cheaper";
        };
        return syscall.name() + ": " + what + "; " + to.id() + " it";
    }
}
