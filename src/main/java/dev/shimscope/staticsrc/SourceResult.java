package dev.shimscope.staticsrc;

import java.util.List;

/**
 * What {@link SourceAnalyzer} found in one whole program: the syscalls its reached code can make,
 * each with provenance (a call path from a root to the function where the number is fixed, and
 * the functions the number then flows through to the {@code syscall} instruction), the reached
 * sites whose number is not (fully) known, the reached functions that are defined nowhere in
 * the program, and counts of what the call graph holds.
 */
public record SourceResult(
        String program,
        List<SyscallEntry> syscalls,
        List<Site> unresolvedSites,
        List<String> undefinedFunctions,
        List<String> unresolvedCallbacks,
        Stats stats) {

    /** One syscall and up to a few of the ways the program reaches it. */
    public record SyscallEntry(int number, String name, List<Provenance> provenance) {
    }

    /**
     * {@code path}: root to the function that fixes the number ({@code main, drop_privileges,
     * setuid}); {@code through}: from that function to the one holding the syscall instruction
     * ({@code setuid, __setxid, do_setxid}); {@code site}: which instruction.
     */
    public record Provenance(List<String> path, List<String> through, String site) {
    }

    /** A reached syscall site whose number is partly or wholly unknown, with the reasons. */
    public record Site(String function, String site, String status, List<Integer> known, List<String> reasons) {
    }

    /** Sizes of the program and of what the analysis reached. */
    public record Stats(int functionsDefined, int functionsReached, int nativeFunctions, int nativeFunctionsReached,
                        int addressTaken, int indirectCallSignatures, int signalHandlerRoots, int syscallSites,
                        long irLines, long instructions, long parseMillis, long analysisMillis) {
    }

    /** The syscall numbers, ascending. */
    public int[] numbers() {
        return syscalls.stream().mapToInt(SyscallEntry::number).toArray();
    }

    /** The syscall names, as {@code SyscallTable} names them. */
    public List<String> names() {
        return syscalls.stream().map(SyscallEntry::name).toList();
    }
}
