package dev.shimscope.staticbin;

import dev.shimscope.syscall.SyscallTable;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The modules of one program linked into a single call graph: every region of every module is
 * a node; a module's reference to a symbol it imports becomes edges to the definition ld.so
 * would bind it to (the first module in load order that exports the name). From the roots —
 * the executable's code, what the loader runs (interpreter entry, init/fini functions, IFUNC
 * resolvers, the interpreter's exports), functions looked up by name with dlsym, the exports of
 * modules opened with dlopen — it computes what is reachable by direct calls, jumps and taken
 * addresses, and, as soon as reached code makes an indirect call, everything reachable from the functions whose
 * addresses are stored in any module's data (the only targets an indirect call can have that
 * code did not materialise itself). Per-node closures over strongly connected components give
 * the provenance of each syscall.
 */
final class LinkedProgram {

    private static final int MAX_INDIRECT_PROVENANCE = 20;

    private final List<ModuleModel> models;
    private final List<BinaryAnalyzer.Load> loads;
    private final SyscallTable table;
    private final int[] base;
    private final int total;
    private final int[][] adjacency;
    private final Map<String, Integer> definer = new HashMap<>();
    private final TreeSet<String> unresolvedImports = new TreeSet<>();
    private final int[] poolNodes;
    private final List<String> warnings = new ArrayList<>();

    LinkedProgram(List<ModuleModel> models, List<BinaryAnalyzer.Load> loads, SyscallTable table) {
        this.models = models;
        this.loads = loads;
        this.table = table;
        base = new int[models.size() + 1];
        for (int m = 0; m < models.size(); m++) {
            base[m + 1] = base[m] + models.get(m).regions();
        }
        total = base[models.size()];
        for (int m = 0; m < models.size(); m++) {
            for (String name : models.get(m).exports.keySet()) {
                definer.putIfAbsent(name, m);
            }
        }
        adjacency = new int[total][];
        for (int m = 0; m < models.size(); m++) {
            ModuleModel mm = models.get(m);
            int[][] resolvedImports = new int[mm.imports.length][];
            for (int i = 0; i < mm.imports.length; i++) {
                resolvedImports[i] = resolve(mm.imports[i], m);
            }
            for (int r = 0; r < mm.regions(); r++) {
                ModuleScanner.IntList l = new ModuleScanner.IntList();
                for (int c : mm.callees[r]) {
                    l.add(base[m] + c);
                }
                for (int i : mm.importRefs[r]) {
                    for (int t : resolvedImports[i]) {
                        l.add(t);
                    }
                }
                adjacency[base[m] + r] = l.sortedUnique();
            }
        }
        ModuleScanner.IntList pool = new ModuleScanner.IntList();
        for (int m = 0; m < models.size(); m++) {
            ModuleModel mm = models.get(m);
            for (int r : mm.poolRegions) {
                pool.add(base[m] + r);
            }
            for (int i : mm.poolImports) {
                for (int t : resolve(mm.imports[i], m)) {
                    pool.add(t);
                }
            }
        }
        poolNodes = pool.sortedUnique();
    }

    /** Nodes of the definition of {@code name}; records names no module defines. */
    private int[] resolve(String name, int importer) {
        Integer d = definer.get(name);
        if (d == null) {
            unresolvedImports.add(name + " (" + fileName(importer) + ")");
            return new int[0];
        }
        int[] regions = models.get(d).exports.get(name);
        int[] out = new int[regions.length];
        for (int i = 0; i < regions.length; i++) {
            out[i] = base[d] + regions[i];
        }
        return out;
    }

    private String fileName(int m) {
        Path p = Path.of(models.get(m).path);
        return p.getFileName() == null ? p.toString() : p.getFileName().toString();
    }

    private int moduleOf(int node) {
        int i = Arrays.binarySearch(base, node);
        if (i >= 0) {
            while (i + 1 < base.length && base[i + 1] == node) {
                i++;
            }
            return i;
        }
        return -i - 2;
    }

    private String nodeName(int node) {
        int m = moduleOf(node);
        return fileName(m) + ":" + models.get(m).regionName(node - base[m]);
    }

    private boolean indirect(int node) {
        int m = moduleOf(node);
        return (models.get(m).flags[node - base[m]] & ModuleModel.FLAG_INDIRECT) != 0;
    }

    private int[] numbers(int node) {
        int m = moduleOf(node);
        return models.get(m).syscalls[node - base[m]];
    }

    /** Reachable nodes from the roots; with {@code followIndirect}, indirect calls reach the data-referenced functions. */
    private BitSet reach(int[] roots, boolean followIndirect, boolean[] indirectReached) {
        return reach(roots, followIndirect, indirectReached, poolNodes);
    }

    private BitSet reach(int[] roots, boolean followIndirect, boolean[] indirectReached, int[] pool) {
        BitSet seen = new BitSet(total);
        Deque stack = new Deque(total);
        for (int r : roots) {
            stack.push(r);
        }
        boolean poolAdded = false;
        while (!stack.isEmpty()) {
            int n = stack.pop();
            if (seen.get(n)) {
                continue;
            }
            seen.set(n);
            if (!poolAdded && indirect(n)) {
                indirectReached[0] = true;
                if (followIndirect) {
                    poolAdded = true;
                    for (int p : pool) {
                        stack.push(p);
                    }
                }
            }
            for (int c : adjacency[n]) {
                if (!seen.get(c)) {
                    stack.push(c);
                }
            }
        }
        return seen;
    }

    /** A growable int stack. */
    private static final class Deque {
        int[] a;
        int n;

        Deque(int capacity) {
            a = new int[Math.max(16, capacity)];
        }

        void push(int v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        int pop() {
            return a[--n];
        }

        boolean isEmpty() {
            return n == 0;
        }
    }

    // ---- closures by strongly connected components (iterative Tarjan) -----------------------

    private int[] component;
    private BitSet[] componentNumbers;
    private boolean[] componentIndirect;

    private void computeClosures() {
        component = new int[total];
        Arrays.fill(component, -1);
        int[] index = new int[total];
        int[] low = new int[total];
        Arrays.fill(index, -1);
        boolean[] onStack = new boolean[total];
        int[] stack = new int[total];
        int sp = 0;
        int[] callStack = new int[total];
        int[] edgePos = new int[total];
        int counter = 0;
        List<BitSet> numbersList = new ArrayList<>();
        List<Boolean> indirectList = new ArrayList<>();
        for (int start = 0; start < total; start++) {
            if (index[start] >= 0) {
                continue;
            }
            int csp = 0;
            callStack[csp++] = start;
            index[start] = low[start] = counter++;
            stack[sp++] = start;
            onStack[start] = true;
            edgePos[start] = 0;
            while (csp > 0) {
                int v = callStack[csp - 1];
                if (edgePos[v] < adjacency[v].length) {
                    int w = adjacency[v][edgePos[v]++];
                    if (index[w] < 0) {
                        index[w] = low[w] = counter++;
                        stack[sp++] = w;
                        onStack[w] = true;
                        edgePos[w] = 0;
                        callStack[csp++] = w;
                    } else if (onStack[w]) {
                        low[v] = Math.min(low[v], index[w]);
                    }
                    continue;
                }
                csp--;
                if (csp > 0) {
                    int parent = callStack[csp - 1];
                    low[parent] = Math.min(low[parent], low[v]);
                }
                if (low[v] == index[v]) {
                    // components are completed in reverse topological order: successors are done
                    int id = numbersList.size();
                    BitSet nrs = new BitSet();
                    boolean ind = false;
                    int w;
                    List<Integer> members = new ArrayList<>();
                    do {
                        w = stack[--sp];
                        onStack[w] = false;
                        component[w] = id;
                        members.add(w);
                    } while (w != v);
                    for (int x : members) {
                        for (int nr : numbers(x)) {
                            nrs.set(nr);
                        }
                        ind |= indirect(x);
                        for (int y : adjacency[x]) {
                            int cy = component[y];
                            if (cy >= 0 && cy != id) {
                                nrs.or(numbersList.get(cy));
                                ind |= indirectList.get(cy);
                            }
                        }
                    }
                    numbersList.add(nrs);
                    indirectList.add(ind);
                }
            }
        }
        componentNumbers = numbersList.toArray(BitSet[]::new);
        componentIndirect = new boolean[indirectList.size()];
        for (int i = 0; i < componentIndirect.length; i++) {
            componentIndirect[i] = indirectList.get(i);
        }
    }

    private BitSet closure(int[] nodes) {
        BitSet b = new BitSet();
        for (int n : nodes) {
            b.or(componentNumbers[component[n]]);
        }
        return b;
    }

    // ---- result -------------------------------------------------------------------------------

    StaticResult result(BinaryInfo info, List<String> missing, boolean[] fromCache, StaticResult.Timing timing) {
        ModuleModel exe = models.get(0);
        ModuleScanner.IntList roots = new ModuleScanner.IntList();
        boolean staticExe = info.isStatic();
        if (staticExe) {
            if (exe.entryRegion >= 0) {
                roots.add(exe.entryRegion);
            }
        } else {
            for (int r = 0; r < exe.regions(); r++) {
                roots.add(r);
            }
        }
        List<int[]> loaderRoots = new ArrayList<>(); // {node, module}
        List<int[]> lookupRoots = new ArrayList<>(); // {node, module that names it}
        for (int m = 0; m < models.size(); m++) {
            for (int r : models.get(m).loaderRoots) {
                roots.add(base[m] + r);
                loaderRoots.add(new int[] {base[m] + r, m});
            }
            if (m > 0 && loads.get(m).role().equals("interpreter")) {
                if (models.get(m).entryRegion >= 0) {
                    roots.add(base[m] + models.get(m).entryRegion);
                    loaderRoots.add(new int[] {base[m] + models.get(m).entryRegion, m});
                }
                // the loader finds some of its own stages by symbol lookup (musl's __dls2b and
                // __dls3, entered with jmp *%rax): every export of a pure loader is a root; when the
                // loader is also the C library (musl), the exports it names in its own strings
                ModuleModel ld = models.get(m);
                boolean alsoLibc = ld.exports.containsKey("malloc");
                Set<String> named = new HashSet<>(List.of(ld.lookupNames));
                for (Map.Entry<String, int[]> e : ld.exports.entrySet()) {
                    if (!alsoLibc || named.contains(e.getKey())) {
                        for (int r : e.getValue()) {
                            roots.add(base[m] + r);
                            loaderRoots.add(new int[] {base[m] + r, m});
                        }
                    }
                }
            } else if (models.get(m).lookupNames.length > 0) {
                // dlsym("name"): the functions named by the strings of a module that looks symbols up
                for (String name : models.get(m).lookupNames) {
                    Integer d = definer.get(name);
                    if (d != null && d != m) {
                        for (int r : models.get(d).exports.get(name)) {
                            roots.add(base[d] + r);
                            lookupRoots.add(new int[] {base[d] + r, m});
                        }
                    }
                }
            }
        }
        // modules opened at run time: entered through any of their exports (dlsym) and their init functions
        List<int[]> moduleRoots = new ArrayList<>(); // {node, module}
        ModuleScanner.IntList programRoots = new ModuleScanner.IntList();
        for (int k = 0; k < roots.n; k++) {
            int node = roots.a[k];
            if (loads.get(moduleOf(node)).runtime()) {
                moduleRoots.add(new int[] {node, moduleOf(node)});
            } else {
                programRoots.add(node);
            }
        }
        for (int m = 0; m < models.size(); m++) {
            if (loads.get(m).role().equals("module")) {
                for (int[] regions : models.get(m).exports.values()) {
                    for (int r : regions) {
                        roots.add(base[m] + r);
                        moduleRoots.add(new int[] {base[m] + r, m});
                    }
                }
            }
        }
        BitSet programSet = new BitSet();
        if (!moduleRoots.isEmpty()) {
            int[] programPool = Arrays.stream(poolNodes).filter(n -> !loads.get(moduleOf(n)).runtime()).toArray();
            reach(programRoots.sortedUnique(), true, new boolean[1], programPool).stream().forEach(n -> {
                for (int nr : numbers(n)) {
                    programSet.set(nr);
                }
            });
        }
        int[] rootArr = roots.sortedUnique();
        if (Boolean.getBoolean("shimscope.timing")) {
            System.err.printf("roots %d, loader roots %d, lookup roots %d, module roots %d%n", rootArr.length, loaderRoots.size(), lookupRoots.size(), moduleRoots.size());
        }
        boolean[] indirectReached = new boolean[1];
        BitSet reached = reach(rootArr, true, indirectReached);
        BitSet reachedDirect = reach(rootArr, false, new boolean[1]);
        BitSet functionLevel = new BitSet();
        BitSet directOnly = new BitSet();
        reached.stream().forEach(n -> {
            for (int nr : numbers(n)) {
                functionLevel.set(nr);
            }
        });
        reachedDirect.stream().forEach(n -> {
            for (int nr : numbers(n)) {
                directOnly.set(nr);
            }
        });
        // aarch64: a handler installed without a restorer returns through the vDSO's sigreturn
        int vdsoSigreturn = TraceComparison.vdsoSigreturn(table, functionLevel);
        if (vdsoSigreturn >= 0) {
            functionLevel.set(vdsoSigreturn);
            directOnly.set(vdsoSigreturn);
        }
        BitSet allSites = new BitSet();
        for (ModuleModel m : models) {
            allSites.or(m.allSiteNumbers());
        }
        computeClosures();
        List<StaticResult.RuntimeModule> runtimeModules = new ArrayList<>();
        Map<Integer, BitSet> moduleClosure = new java.util.TreeMap<>();
        for (int[] mr : moduleRoots) {
            moduleClosure.computeIfAbsent(mr[1], x -> new BitSet()).or(componentNumbers[component[mr[0]]]);
        }
        // what a module reaches through its own function tables (Python's method tables) counts as its own
        for (int p : poolNodes) {
            BitSet c = moduleClosure.get(moduleOf(p));
            if (c != null) {
                c.or(componentNumbers[component[p]]);
            }
        }
        moduleClosure.forEach((m, c) -> {
            BitSet added = (BitSet) c.clone();
            added.andNot(programSet);
            runtimeModules.add(new StaticResult.RuntimeModule(models.get(m).path, loads.get(m).role(), loads.get(m).via(),
                    names(c), names(added)));
        });

        // what each imported symbol of the executable reaches
        List<StaticResult.ImportReach> importReach = new ArrayList<>();
        Map<String, BitSet> importClosure = new HashMap<>();
        for (String name : new TreeSet<>(List.of(exe.imports))) {
            Integer d = definer.get(name);
            if (d == null) {
                continue;
            }
            int[] nodes = resolve(name, 0);
            BitSet c = closure(nodes);
            boolean ind = false;
            for (int n : nodes) {
                ind |= componentIndirect[component[n]];
            }
            importClosure.put(name, c);
            importReach.add(new StaticResult.ImportReach(name, fileName(d), names(c), ind));
        }

        // provenance of every syscall of the function-level set
        List<StaticResult.SyscallEntry> entries = new ArrayList<>();
        BitSet[] poolClosures = new BitSet[poolNodes.length];
        for (int i = 0; i < poolNodes.length; i++) {
            poolClosures[i] = componentNumbers[component[poolNodes[i]]];
        }
        functionLevel.stream().forEach(nr -> {
            List<String> own = new ArrayList<>();
            for (SyscallSite s : exe.sites) {
                if (!s.kind().i386() && contains(s.numbers(), nr) && (!staticExe || reached.get(s.region()))) {
                    own.add(String.format("0x%x %s (%s)", s.address(), exe.regionName(s.region()), s.kind().label()));
                }
            }
            List<String> imps = new ArrayList<>();
            importClosure.forEach((name, c) -> {
                if (c.get(nr)) {
                    imps.add(name);
                }
            });
            imps.sort(null);
            List<String> lr = new ArrayList<>();
            if (nr == vdsoSigreturn) {
                lr.add("vDSO __kernel_rt_sigreturn (signal handlers return through it)");
            }
            for (int[] root : loaderRoots) {
                if (componentNumbers[component[root[0]]].get(nr)) {
                    String s = nodeName(root[0]);
                    if (!lr.contains(s)) {
                        lr.add(s);
                    }
                }
            }
            List<String> named = new ArrayList<>();
            for (int[] root : lookupRoots) {
                if (componentNumbers[component[root[0]]].get(nr)) {
                    String s = nodeName(root[0]) + " (named in " + fileName(root[1]) + ")";
                    if (!named.contains(s) && named.size() < MAX_INDIRECT_PROVENANCE) {
                        named.add(s);
                    }
                }
            }
            List<String> fromModules = new ArrayList<>();
            moduleClosure.forEach((m, c) -> {
                if (c.get(nr) && !programSet.get(nr)) {
                    fromModules.add(fileName(m));
                }
            });
            List<String> viaPool = new ArrayList<>();
            int poolCount = 0;
            if (indirectReached[0]) {
                for (int i = 0; i < poolNodes.length; i++) {
                    if (poolClosures[i].get(nr)) {
                        poolCount++;
                        if (viaPool.size() < MAX_INDIRECT_PROVENANCE) {
                            viaPool.add(nodeName(poolNodes[i]));
                        }
                    }
                }
            }
            entries.add(new StaticResult.SyscallEntry(nr, table.name(nr), directOnly.get(nr), own, imps, lr, named,
                    fromModules, viaPool, poolCount, TraceComparison.note(table.arch(), table.name(nr))));
        });

        List<StaticResult.Site> unresolved = new ArrayList<>();
        List<StaticResult.Site> i386 = new ArrayList<>();
        List<StaticResult.Site> argument = new ArrayList<>();
        List<StaticResult.Module> modules = new ArrayList<>();
        for (int m = 0; m < models.size(); m++) {
            ModuleModel mm = models.get(m);
            int unresolvedCount = 0;
            for (SyscallSite s : mm.sites) {
                boolean isReached = reached.get(base[m] + s.region());
                String note = s.note();
                String fn = mm.regionName(s.region());
                if (s.status() == SyscallSite.Status.ARGUMENT && mm.exports.containsKey(fn)) {
                    List<String> users = importersOf(fn, m);
                    if (ModuleScanner.SYSCALL_FUNCTIONS.contains(fn)) {
                        note += "; other modules' calls to " + fn + "() are resolved at their call sites, calls through a"
                                + " pointer at the indirect calls of the module taking its address";
                    } else if (!users.isEmpty()) {
                        note += "; exported: the numbers " + String.join(", ", users) + " pass are not resolved";
                        warnings.add(fileName(m) + ": " + fn + "() takes the syscall number as an argument and is used by "
                                + String.join(", ", users) + ", whose numbers for it are not resolved");
                    }
                }
                StaticResult.Site site = new StaticResult.Site(mm.path, String.format("0x%x", s.address()),
                        fn, s.kind().label(), s.kind().i386() ? i386Names(s.numbers()) : names(s.numbers()),
                        s.status().name().toLowerCase(java.util.Locale.ROOT), note, isReached);
                if (s.kind().i386()) {
                    i386.add(site);
                } else if (s.status() == SyscallSite.Status.UNRESOLVED || s.status() == SyscallSite.Status.PARTIAL) {
                    unresolved.add(site);
                    unresolvedCount++;
                } else if (s.status() == SyscallSite.Status.ARGUMENT) {
                    argument.add(site);
                }
            }
            BinaryAnalyzer.Load load = loads.get(m);
            modules.add(new StaticResult.Module(mm.path, load.role(), load.neededBy(), load.via(), mm.sha256,
                    mm.kind.label(), fromCache[m], mm.instructions, mm.regions(), mm.sites.size(), unresolvedCount,
                    mm.undecodableBytes, mm.indirectBranches, mm.exports.size(), mm.imports.length));
        }
        return new StaticResult(info, modules, missing, functionLevel.stream().toArray(), directOnly.stream().toArray(),
                allSites.stream().toArray(), indirectReached[0], poolNodes.length, entries, unresolved, i386, argument,
                List.copyOf(unresolvedImports), importReach, runtimeModules, warnings,
                TraceComparison.summary(table.arch(), names(functionLevel)), table.source(), timing);
    }

    /** The other modules that import {@code name} and bind it to module {@code m}. */
    private List<String> importersOf(String name, int m) {
        List<String> out = new ArrayList<>();
        Integer d = definer.get(name);
        if (d == null || d != m) {
            return out;
        }
        if (importers == null) {
            importers = new HashMap<>();
            for (int i = 0; i < models.size(); i++) {
                for (String imp : models.get(i).imports) {
                    importers.computeIfAbsent(imp, x -> new ArrayList<>()).add(i);
                }
            }
        }
        for (int i : importers.getOrDefault(name, List.of())) {
            if (i != m) {
                out.add(fileName(i));
            }
        }
        return out;
    }

    /** Which modules import each name (built on first use). */
    private Map<String, List<Integer>> importers;

    private static boolean contains(int[] a, int v) {
        for (int x : a) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }

    private List<String> names(BitSet b) {
        List<String> out = new ArrayList<>();
        b.stream().forEach(n -> out.add(table.name(n)));
        return out;
    }

    private List<String> names(int[] nrs) {
        List<String> out = new ArrayList<>();
        for (int n : nrs) {
            out.add(table.name(n));
        }
        return out;
    }

    private static List<String> i386Names(int[] nrs) {
        List<String> out = new ArrayList<>();
        for (int n : nrs) {
            out.add("i386#" + n);
        }
        return out;
    }
}
