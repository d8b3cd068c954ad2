package dev.shimscope.store;

import java.nio.file.Path;

/** One result in a {@link ResultStore}: the profile and the directory that holds it. */
public record StoredRun(Profile profile, Path dir) {
}
