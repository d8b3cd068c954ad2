package dev.shimscope.campaign;

/** Exit statuses of {@code explore} that a campaign reads from its tasks. */
final class ExitStatus {

    /** The exploration finished and stored its result, but its shim plan could not be verified. */
    static final int NOT_VERIFIED = 3;

    private ExitStatus() {
    }
}
