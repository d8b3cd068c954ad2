package dev.shimscope.io;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where the tool keeps its own files, after the XDG base directory specification: data (the
 * results store) under {@code $XDG_DATA_HOME}, caches under {@code $XDG_CACHE_HOME}, state (journals)
 * under {@code $XDG_STATE_HOME}, each defaulting below the home directory. The home directory is
 * {@code $HOME} when set (so that {@code HOME=$(mktemp -d) shimscope ...} starts from nothing, as a
 * fresh machine would), else the JVM's {@code user.home} (the passwd entry). Relative values are
 * ignored, as the specification says.
 */
public final class UserDirs {

    private UserDirs() {
    }

    /** The user's home directory. */
    public static Path home() {
        return home(System.getenv(), System.getProperty("user.home"));
    }

    static Path home(Map<String, String> env, String userHome) {
        String h = env.get("HOME");
        return h != null && !h.isBlank() && Path.of(h).isAbsolute() ? Path.of(h) : Path.of(userHome);
    }

    /** {@code $XDG_DATA_HOME}, else {@code ~/.local/share}. */
    public static Path dataHome() {
        return base(System.getenv(), "XDG_DATA_HOME", ".local/share");
    }

    /** {@code $XDG_CACHE_HOME}, else {@code ~/.cache}. */
    public static Path cacheHome() {
        return base(System.getenv(), "XDG_CACHE_HOME", ".cache");
    }

    /** {@code $XDG_STATE_HOME}, else {@code ~/.local/state}. */
    public static Path stateHome() {
        return base(System.getenv(), "XDG_STATE_HOME", ".local/state");
    }

    /** The base directory named by {@code variable}, else {@code home/fallback}. */
    public static Path base(Map<String, String> env, String variable, String fallback) {
        String v = env.get(variable);
        if (v != null && !v.isBlank() && Path.of(v).isAbsolute()) {
            return Path.of(v);
        }
        return home(env, System.getProperty("user.home")).resolve(fallback);
    }
}
