package dev.shimscope.explore;

import java.util.List;

/**
 * Receives what an exploration does as it happens ({@link ExploreEvent}s), so the analysis knows
 * nothing about output: the progress display, the journal and a JSON writer are listeners.
 */
@FunctionalInterface
public interface ExploreListener {

    void on(ExploreEvent event);

    /** A listener that ignores everything. */
    ExploreListener NONE = e -> { };

    /** Every listener in turn. */
    static ExploreListener all(List<ExploreListener> listeners) {
        List<ExploreListener> copy = List.copyOf(listeners);
        return e -> copy.forEach(l -> l.on(e));
    }
}
