package dev.shimscope.sandbox;

/**
 * What a seccomp filter does with a matching syscall. Stubbing is {@code Errno(ENOSYS)},
 * faking is {@code Errno(0)}: the kernel skips the call and returns the value, at native speed.
 */
public sealed interface SeccompAction {

    int ENOSYS = 38;
    int EPERM = 1;

    /** The SECCOMP_RET_* word the BPF program returns. */
    long encode();

    /** Short text for logs and JSON: allow, errno(38), kill. */
    String describe();

    record Allow() implements SeccompAction {
        public long encode() {
            return 0x7fff0000L;
        }

        public String describe() {
            return "allow";
        }
    }

    /** Skip the call and return {@code -errno} (0 means "success without doing anything"). */
    record Errno(int errno) implements SeccompAction {
        public Errno {
            if (errno < 0 || errno > 4095) {
                throw new IllegalArgumentException("errno out of range: " + errno);
            }
        }

        public long encode() {
            return 0x00050000L | errno;
        }

        public String describe() {
            return "errno(" + errno + ")";
        }
    }

    /** Kill the whole process (SECCOMP_RET_KILL_PROCESS). */
    record Kill() implements SeccompAction {
        public long encode() {
            return 0x80000000L;
        }

        public String describe() {
            return "kill";
        }
    }

    SeccompAction ALLOW = new Allow();
    SeccompAction KILL = new Kill();
    SeccompAction STUB = new Errno(ENOSYS);
    SeccompAction FAKE = new Errno(0);
}
