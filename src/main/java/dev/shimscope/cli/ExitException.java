package dev.shimscope.cli;

/** Ends a command with a message and a given exit status (the message is the one error line). */
public final class ExitException extends RuntimeException {
    private final int status;

    public ExitException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
