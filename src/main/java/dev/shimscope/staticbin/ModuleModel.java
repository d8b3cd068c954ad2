package dev.shimscope.staticbin;

import dev.shimscope.elf.ElfKind;

import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What static analysis knows about one ELF module (executable or shared library), independent
 * of the modules it is loaded with, so it can be cached by content hash: its functions
 * ("regions" of code between known function starts) with the syscall numbers each one's own
 * sites make, the regions it calls or jumps to or whose address it takes, the symbols it uses
 * from other modules, whether it makes indirect calls; the exported symbols; the functions
 * whose addresses sit in data (reachable through any indirect call); the functions the loader
 * runs (init/fini arrays, IFUNC resolvers); every syscall site; and, for a module that looks
 * symbols up by name, the names in its strings.
 */
public final class ModuleModel {

    /** Bumped whenever the scanner's output changes, so stale cache entries are ignored. */
    static final int FORMAT = 17;

    static final int FLAG_INDIRECT = 1, FLAG_UNDECODABLE = 2, FLAG_UNRESOLVED = 4;

    final String path;
    final String sha256;
    final ElfKind kind;
    final String soname;
    final List<String> needed;
    final List<String> rpath;
    final List<String> runpath;
    final String interpreter;
    final long[] regionStart;
    final String[] regionName;
    final int[][] callees;
    final int[][] importRefs;
    final int[][] syscalls;
    final byte[] flags;
    final int[] parameterRegisters;
    final String[] imports;
    final Map<String, int[]> exports;
    final int[] poolRegions;
    final int[] poolImports;
    final int[] loaderRoots;
    final int entryRegion;
    final List<SyscallSite> sites;
    final long instructions;
    final long undecodableBytes;
    final long indirectBranches;
    /** Identifier strings in the read-only data of a module that looks symbols up by name (dlsym), else empty. */
    final String[] lookupNames;

    ModuleModel(String path, String sha256, ElfKind kind, String soname, List<String> needed, List<String> rpath,
                List<String> runpath, String interpreter, long[] regionStart, String[] regionName, int[][] callees,
                int[][] importRefs, int[][] syscalls, byte[] flags, int[] parameterRegisters, String[] imports,
                Map<String, int[]> exports, int[] poolRegions, int[] poolImports, int[] loaderRoots, int entryRegion,
                List<SyscallSite> sites, long instructions, long undecodableBytes, long indirectBranches,
                String[] lookupNames) {
        this.path = path;
        this.sha256 = sha256;
        this.kind = kind;
        this.soname = soname;
        this.needed = List.copyOf(needed);
        this.rpath = List.copyOf(rpath);
        this.runpath = List.copyOf(runpath);
        this.interpreter = interpreter;
        this.regionStart = regionStart;
        this.regionName = regionName;
        this.callees = callees;
        this.importRefs = importRefs;
        this.syscalls = syscalls;
        this.flags = flags;
        this.parameterRegisters = parameterRegisters;
        this.imports = imports;
        this.exports = Collections.unmodifiableMap(exports);
        this.poolRegions = poolRegions;
        this.poolImports = poolImports;
        this.loaderRoots = loaderRoots;
        this.entryRegion = entryRegion;
        this.sites = List.copyOf(sites);
        this.instructions = instructions;
        this.undecodableBytes = undecodableBytes;
        this.indirectBranches = indirectBranches;
        this.lookupNames = lookupNames;
    }

    /** A copy that names the file it was loaded from (a cache hit may come from another path). */
    ModuleModel withPath(String newPath) {
        return new ModuleModel(newPath, sha256, kind, soname, needed, rpath, runpath, interpreter, regionStart,
                regionName, callees, importRefs, syscalls, flags, parameterRegisters, imports, exports, poolRegions,
                poolImports, loaderRoots, entryRegion, sites, instructions, undecodableBytes, indirectBranches, lookupNames);
    }

    public String path() {
        return path;
    }

    public String sha256() {
        return sha256;
    }

    public ElfKind kind() {
        return kind;
    }

    public List<String> needed() {
        return needed;
    }

    public List<SyscallSite> sites() {
        return sites;
    }

    public int regions() {
        return regionStart.length;
    }

    public long instructions() {
        return instructions;
    }

    public long undecodableBytes() {
        return undecodableBytes;
    }

    public long indirectBranches() {
        return indirectBranches;
    }

    public List<String> importNames() {
        return List.of(imports);
    }

    public Map<String, int[]> exports() {
        return exports;
    }

    /** The name of a region: its symbol, {@code name@plt} for a PLT stub, or {@code fn_<hex address>}. */
    public String regionName(int region) {
        String n = regionName[region];
        return n != null ? n : "fn_" + Long.toHexString(regionStart[region]);
    }

    /** The region containing {@code address}, or -1. */
    public int regionAt(long address) {
        int i = Arrays.binarySearch(regionStart, address);
        return i >= 0 ? i : -i - 2;
    }

    /** Numbers made by all of this module's syscall sites (the "all sites" bound for this module). */
    public BitSet allSiteNumbers() {
        BitSet b = new BitSet();
        for (SyscallSite s : sites) {
            if (!s.kind().i386()) {
                for (int n : s.numbers()) {
                    b.set(n);
                }
            }
        }
        return b;
    }

    /**
     * The syscall numbers each exported symbol reaches through this module's own call graph
     * (direct calls, tail jumps, taken addresses), plus the symbols it needs from other modules.
     */
    public Map<String, Reach> exportReach() {
        Map<String, Reach> out = new LinkedHashMap<>();
        for (Map.Entry<String, int[]> e : exports.entrySet()) {
            BitSet seen = new BitSet();
            BitSet nrs = new BitSet();
            BitSet imps = new BitSet();
            boolean indirect = false;
            List<Integer> stack = new ArrayList<>();
            for (int r : e.getValue()) {
                stack.add(r);
            }
            while (!stack.isEmpty()) {
                int r = stack.removeLast();
                if (r < 0 || seen.get(r)) {
                    continue;
                }
                seen.set(r);
                for (int n : syscalls[r]) {
                    nrs.set(n);
                }
                for (int i : importRefs[r]) {
                    imps.set(i);
                }
                indirect |= (flags[r] & FLAG_INDIRECT) != 0;
                for (int c : callees[r]) {
                    stack.add(c);
                }
            }
            List<String> names = new ArrayList<>();
            imps.stream().forEach(i -> names.add(imports[i]));
            out.put(e.getKey(), new Reach(nrs.stream().toArray(), names, indirect));
        }
        return out;
    }

    /** What one exported symbol reaches inside its module. */
    public record Reach(int[] syscalls, List<String> imports, boolean indirectCalls) {
    }

    // ---- cache format -------------------------------------------------------------------------

    void writeTo(DataOutputStream out) throws IOException {
        out.writeInt(FORMAT);
        writeString(out, path);
        writeString(out, sha256);
        writeString(out, kind.name());
        writeNullable(out, soname);
        writeStrings(out, needed);
        writeStrings(out, rpath);
        writeStrings(out, runpath);
        writeNullable(out, interpreter);
        int n = regionStart.length;
        out.writeInt(n);
        for (int r = 0; r < n; r++) {
            out.writeLong(regionStart[r]);
            writeNullable(out, regionName[r]);
            writeInts(out, callees[r]);
            writeInts(out, importRefs[r]);
            writeInts(out, syscalls[r]);
            out.writeByte(flags[r]);
            out.writeInt(parameterRegisters[r]);
        }
        writeStrings(out, List.of(imports));
        out.writeInt(exports.size());
        for (Map.Entry<String, int[]> e : exports.entrySet()) {
            writeString(out, e.getKey());
            writeInts(out, e.getValue());
        }
        writeInts(out, poolRegions);
        writeInts(out, poolImports);
        writeInts(out, loaderRoots);
        out.writeInt(entryRegion);
        out.writeInt(sites.size());
        for (SyscallSite s : sites) {
            out.writeLong(s.address());
            out.writeInt(s.region());
            out.writeByte(s.kind().ordinal());
            writeInts(out, s.numbers());
            out.writeByte(s.status().ordinal());
            writeString(out, s.note());
        }
        out.writeLong(instructions);
        out.writeLong(undecodableBytes);
        out.writeLong(indirectBranches);
        writeStrings(out, List.of(lookupNames));
    }

    /** Reads a model written by {@link #writeTo}; null when it was written by another format version. */
    static ModuleModel readFrom(ByteBuffer in) {
        if (in.getInt() != FORMAT) {
            return null;
        }
        String path = readString(in);
        String sha = readString(in);
        ElfKind kind = ElfKind.valueOf(readString(in));
        String soname = readNullable(in);
        List<String> needed = readStrings(in);
        List<String> rpath = readStrings(in);
        List<String> runpath = readStrings(in);
        String interp = readNullable(in);
        int n = in.getInt();
        long[] start = new long[n];
        String[] names = new String[n];
        int[][] callees = new int[n][];
        int[][] imps = new int[n][];
        int[][] nrs = new int[n][];
        byte[] flags = new byte[n];
        int[] params = new int[n];
        for (int r = 0; r < n; r++) {
            start[r] = in.getLong();
            names[r] = readNullable(in);
            callees[r] = readInts(in);
            imps[r] = readInts(in);
            nrs[r] = readInts(in);
            flags[r] = in.get();
            params[r] = in.getInt();
        }
        String[] imports = readStrings(in).toArray(String[]::new);
        int ne = in.getInt();
        Map<String, int[]> exports = new LinkedHashMap<>();
        for (int i = 0; i < ne; i++) {
            exports.put(readString(in), readInts(in));
        }
        int[] pool = readInts(in);
        int[] poolImports = readInts(in);
        int[] roots = readInts(in);
        int entry = in.getInt();
        int ns = in.getInt();
        List<SyscallSite> sites = new ArrayList<>(ns);
        for (int i = 0; i < ns; i++) {
            long a = in.getLong();
            int region = in.getInt();
            SyscallSite.Kind k = SyscallSite.Kind.values()[in.get()];
            int[] numbers = readInts(in);
            SyscallSite.Status st = SyscallSite.Status.values()[in.get()];
            sites.add(new SyscallSite(a, region, k, numbers, st, readString(in)));
        }
        return new ModuleModel(path, sha, kind, soname, needed, rpath, runpath, interp, start, names, callees, imps,
                nrs, flags, params, imports, exports, pool, poolImports, roots, entry, sites, in.getLong(),
                in.getLong(), in.getLong(), readStrings(in).toArray(String[]::new));
    }

    private static void writeNullable(DataOutputStream out, String s) throws IOException {
        out.writeBoolean(s != null);
        if (s != null) {
            writeString(out, s);
        }
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(ByteBuffer in) {
        int n = in.getInt();
        String s = new String(in.array(), in.arrayOffset() + in.position(), n, StandardCharsets.UTF_8);
        in.position(in.position() + n);
        return s;
    }

    private static String readNullable(ByteBuffer in) {
        return (in.get() != 0) ? readString(in) : null;
    }

    private static void writeStrings(DataOutputStream out, List<String> l) throws IOException {
        out.writeInt(l.size());
        for (String s : l) {
            writeString(out, s);
        }
    }

    private static List<String> readStrings(ByteBuffer in) {
        int n = in.getInt();
        List<String> l = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            l.add(readString(in));
        }
        return l;
    }

    private static void writeInts(DataOutputStream out, int[] a) throws IOException {
        out.writeInt(a.length);
        for (int v : a) {
            out.writeInt(v);
        }
    }

    private static int[] readInts(ByteBuffer in) {
        int n = in.getInt();
        int[] a = new int[n];
        in.asIntBuffer().get(a);
        in.position(in.position() + 4 * n);
        return a;
    }
}
