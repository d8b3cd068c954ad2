package dev.shimscope.explore;

import dev.shimscope.sandbox.SeccompAction;

/** What an experiment does to one syscall: stub it (-ENOSYS) or fake it (return 0). */
public enum Mode {
    STUB("stub", SeccompAction.STUB),
    FAKE("fake", SeccompAction.FAKE);

    private final String id;
    private final SeccompAction action;

    Mode(String id, SeccompAction action) {
        this.id = id;
        this.action = action;
    }

    public String id() {
        return id;
    }

    public SeccompAction action() {
        return action;
    }

    public static Mode parse(String s) {
        for (Mode m : values()) {
            if (m.id.equals(s)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown mode '" + s + "' (stub or fake)");
    }
}
