package dev.shimscope.sandbox;

/** The sandbox could not be set up or started (a missing tool, an unusable path). */
public class SandboxException extends RuntimeException {
    public SandboxException(String message) {
        super(message);
    }

    public SandboxException(String message, Throwable cause) {
        super(message, cause);
    }
}
