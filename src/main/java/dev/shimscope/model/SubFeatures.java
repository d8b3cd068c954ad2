package dev.shimscope.model;

import java.util.List;

/**
 * What an exploration found below the syscalls: per argument value of the multiplexed syscalls
 * used, and per file the application named. Stored with the result; both empty when the
 * exploration ran with {@code --no-features}.
 */
public record SubFeatures(List<ArgumentVerdict> values, List<FileVerdict> files) {

    public SubFeatures {
        values = values == null ? List.of() : List.copyOf(values);
        files = files == null ? List.of() : List.copyOf(files);
    }

    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isEmpty() {
        return values.isEmpty() && files.isEmpty();
    }
}
