package dev.shimscope.explore;

import dev.shimscope.syscall.Syscall;

/** A syscall the application made under the workload, and how often (in the traced run). */
public record UsedSyscall(Syscall syscall, long calls) {
}
