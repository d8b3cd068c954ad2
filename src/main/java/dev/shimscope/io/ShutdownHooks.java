package dev.shimscope.io;

/** Shutdown hooks that are only for an interruption (Ctrl-C, SIGTERM) of the work they guard. */
public final class ShutdownHooks {

    private ShutdownHooks() {
    }

    /**
     * Removes a hook once its work is over. When the JVM is shutting down already the hook is
     * running or about to (the interruption it is for), and the JDK refuses the removal: that is
     * not an error of the command.
     */
    public static void remove(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook runs
        }
    }
}
