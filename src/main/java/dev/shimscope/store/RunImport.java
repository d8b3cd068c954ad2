package dev.shimscope.store;

/**
 * What {@link ResultStore#importRun} did with one result of another store: where it is now, and
 * whether it was added (false: the same run with the same files was already there).
 */
public record RunImport(StoredRun stored, boolean added) {
}
