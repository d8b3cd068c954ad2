package dev.shimscope.staticbin;

import java.util.List;

/**
 * What {@link BinaryAnalyzer} found for one binary and the shared libraries it loads.
 * <ul>
 * <li>{@code functionLevel}: the syscalls the program can make — its own sites, everything
 *     its imported symbols reach through the libraries' call graphs, what the loader runs
 *     (interpreter, init/fini functions, IFUNC resolvers) and, because indirect calls cannot be
 *     followed, every function whose address is stored in data (once any reached code makes
 *     an indirect call). This is the sound set used for CSV output.</li>
 * <li>{@code directOnly}: the same without following indirect calls (not sound; shows how
 *     much the indirect-call fallback adds).</li>
 * <li>{@code allSites}: every site of every loaded module (the plain upper bound).</li>
 * </ul>
 * Unresolved sites are listed, never dropped, and {@code warnings} name what the analysis could
 * not follow (numbers passed to exported wrappers from other modules, modules not found); {@code int 0x80}/{@code sysenter} sites use i386
 * numbers and are listed apart.
 */
public record StaticResult(
        BinaryInfo binary,
        List<Module> modules,
        List<String> missingLibraries,
        int[] functionLevel,
        int[] directOnly,
        int[] allSites,
        boolean indirectCallsReached,
        int dataReferencedFunctions,
        List<SyscallEntry> syscalls,
        List<Site> unresolvedSites,
        List<Site> i386Sites,
        List<Site> argumentSites,
        List<String> unresolvedImports,
        List<ImportReach> imports,
        List<RuntimeModule> runtimeModules,
        List<String> warnings,
        List<String> traceNotes,
        String syscallTable,
        Timing timing) {

    /** One loaded module. */
    public record Module(String path, String role, String neededBy, String foundVia, String sha256, String kind,
                         boolean fromCache, long instructions, int functions, int sites, int unresolvedSites,
                         long undecodableBytes, long indirectBranches, int exports, int imports) {
    }

    /**
     * One syscall of the function-level set and why it is there: the executable's own sites, its
     * imports that reach it, loader roots, functions looked up by name (dlsym strings), and the
     * data-referenced functions that reach it through indirect calls.
     */
    public record SyscallEntry(int number, String name, boolean inDirectCallGraph, List<String> ownSites,
                               List<String> importedSymbols, List<String> loaderRoots, List<String> lookedUpByName,
                               List<String> onlyInRuntimeModules, List<String> viaIndirectCalls, int viaIndirectCallsCount,
                               String traceNote) {
    }

    /** One syscall site, as reported. */
    public record Site(String module, String address, String function, String kind, List<String> syscalls,
                       String status, String note, boolean reached) {
    }

    /** What one symbol imported by the executable reaches (through direct calls only). */
    public record ImportReach(String symbol, String library, List<String> syscalls, boolean indirectCalls) {
    }

    /**
     * A module opened at run time ({@code --module} or a preset) or a library only it needs: what
     * its exports and init functions reach, and which of those the program alone does not.
     */
    public record RuntimeModule(String path, String role, String reason, List<String> syscalls, List<String> added) {
    }

    /** Where the time went. */
    public record Timing(long totalMillis, int modulesScanned, int modulesFromCache, int threads) {
    }
}
