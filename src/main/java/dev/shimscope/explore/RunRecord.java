package dev.shimscope.explore;

/**
 * One run of an experiment, the baseline or the plan: passed or why not, how long the whole run
 * took, and how long the server took to be ready and the test to run (-1 if not reached).
 */
public record RunRecord(boolean passed, String failure, long millis, long readyMillis, long testMillis) {
}
