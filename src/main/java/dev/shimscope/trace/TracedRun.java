package dev.shimscope.trace;

import dev.shimscope.sandbox.RunResult;

/** A traced run: how it ended and what it used. */
public record TracedRun(RunResult run, TraceResult trace) {
}
