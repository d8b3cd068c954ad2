package dev.shimscope.model;

import dev.shimscope.syscall.Syscall;
import dev.shimscope.syscall.args.ArgumentValue;

/**
 * What an exploration found about one argument value of one multiplexed syscall: whether the
 * workload passes when only the calls with that value return ENOSYS, or 0 ({@link Verdict}), and
 * how that was established ({@link Basis}).
 *
 * @param calls        calls with the value in the traced run
 * @param syscallCalls all calls of the syscall in the traced run
 */
public record ArgumentVerdict(Syscall syscall, ArgumentValue value, long calls, long syscallCalls, Verdict verdict,
                              Basis basis) {

    /** How a value's verdict was established. */
    public enum Basis {
        /** Its own stub and fake experiments. */
        MEASURED,
        /** The value was on every call of the syscall: its experiments are the syscall's. */
        EVERY_CALL,
        /**
         * The syscall works stubbed and faked as a whole, so its values were not run one by one:
         * inferred, and the plan never relies on it (the syscall is not implemented at all).
         */
        WHOLE_SYSCALL;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }
}
