package dev.shimscope.campaign;

/**
 * How a task ended, as its files tell it: not started, succeeded (its explore exited 0, or 3:
 * stored with a plan that could not be verified), failed with an exit status, interrupted (its
 * explore was stopped by a signal and kept its journal), or lost (it started and left no
 * status: killed with SIGKILL, its node failed, or it still runs elsewhere).
 */
public record TaskState(Kind kind, int exitStatus) {

    public enum Kind { NOT_STARTED, SUCCEEDED, FAILED, INTERRUPTED, LOST }

    public static final TaskState NOT_STARTED = new TaskState(Kind.NOT_STARTED, -1);
    public static final TaskState SUCCEEDED = new TaskState(Kind.SUCCEEDED, 0);
    public static final TaskState INTERRUPTED = new TaskState(Kind.INTERRUPTED, -1);
    public static final TaskState LOST = new TaskState(Kind.LOST, -1);

    public static TaskState failed(int exitStatus) {
        return new TaskState(Kind.FAILED, exitStatus);
    }

    /** True when the task ended, one way or another, and will not write more. */
    public boolean ended() {
        return kind != Kind.NOT_STARTED && kind != Kind.LOST;
    }

    /** True for a task that ran and did not succeed: what {@code --retry-failed} runs again. */
    public boolean unsuccessful() {
        return kind == Kind.FAILED || kind == Kind.INTERRUPTED || kind == Kind.LOST;
    }

    public String describe() {
        return switch (kind) {
            case NOT_STARTED -> "not started";
            case SUCCEEDED -> "succeeded";
            case FAILED -> "failed (exit status " + exitStatus + ")";
            case INTERRUPTED -> "interrupted";
            case LOST -> "ended without a status (killed, or its node failed)";
        };
    }
}
