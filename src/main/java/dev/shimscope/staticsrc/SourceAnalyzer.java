package dev.shimscope.staticsrc;

import dev.shimscope.syscall.SyscallTable;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The source-level analysis of one whole program (its LLVM IR plus the native objects linked
 * beside it): a call graph from the roots — {@code main}, functions the module-level assembly
 * calls ({@code _start} calls {@code _start_c}), {@code llvm.global_ctors}/{@code _dtors} — that
 * follows direct calls, native code's relocations, indirect calls (to every address-taken
 * function with the same parameter classes: pointer, integer, floating point, other; and the same
 * variadic-ness; return type ignored), function pointers handed to native code that calls
 * through a register (musl's {@code __clone} gets {@code start}), and, once {@code rt_sigaction}
 * is reachable, every address-taken function of a signal handler's type ({@code void (int)},
 * {@code void (int, ptr, ptr)}). A function's address counts as taken only when reached code, or
 * the initialiser of a global that reached code refers to (transitively), names it. Then the
 * syscall number of every reached site — inline assembly containing {@code syscall}, with the
 * number in its {@code {ax}} operand, and native {@code syscall} instructions — is found by
 * {@link ValueFlow}, so a wrapper such as musl's {@code __setxid} or {@code __syscall_cp} counts
 * only the numbers its reached callers pass.
 */
public final class SourceAnalyzer {

    private static final int RT_SIGACTION = 13;
    private static final int RESTART_SYSCALL = 219;
    /** poll, nanosleep, futex, clock_nanosleep: the calls the kernel restarts through restart_syscall. */
    private static final int[] RESTARTED = {7, 35, 202, 230};
    private static final Pattern ASM_SYMBOL = Pattern.compile("\\b(?:call|callq|jmp|jmpq)\\s+\\*?([A-Za-z_.$][\\w.$]*)");
    private static final Pattern SYSCALL_INSN = Pattern.compile("(^|[\\s;])syscall($|[\\s;])", Pattern.MULTILINE);
    private static final Pattern INT80 = Pattern.compile("\\bint\\s+\\$+0x80\\b");

    private final IrModule module;
    private final NativeCode natives;
    private final SyscallTable table = SyscallTable.x86_64();

    private record Parent(String from, String how) {
    }

    private final Map<String, Parent> reached = new LinkedHashMap<>();
    private final Deque<String> queue = new ArrayDeque<>();
    private final Set<String> addressTaken = new LinkedHashSet<>();
    private final Map<String, List<String>> addressTakenBySignature = new HashMap<>();
    private final Map<String, List<ValueFlow.CallSite>> indirectBySignature = new HashMap<>();
    private final Map<String, List<ValueFlow.CallSite>> directCallers = new HashMap<>();
    private final Set<String> liveGlobals = new HashSet<>();
    private final Set<String> undefined = new TreeSet<>();
    private final List<ValueFlow.CallSite> asmSites = new ArrayList<>();
    private final Set<String> unresolvedCallbacks = new TreeSet<>();
    private final Set<String> handlerRoots = new TreeSet<>();
    private final Set<String> boundariesSeen = new HashSet<>();
    private boolean handlersActive;

    private SourceAnalyzer(IrModule module, NativeCode natives) {
        this.module = module;
        this.natives = natives;
    }

    /** Analyses a program; {@code label} names it in the result. */
    public static SourceResult analyze(String label, IrModule module, NativeCode natives, long parseMillis) {
        long t0 = System.nanoTime();
        SourceAnalyzer a = new SourceAnalyzer(module, natives);
        a.run();
        return a.result(label, parseMillis, (System.nanoTime() - t0) / 1_000_000);
    }

    private void run() {
        roots();
        do {
            drain();
            ValueFlow flow = new ValueFlow(program());
            // function pointers given to native code that calls through a register
            for (String n : List.copyOf(reached.keySet())) {
                NativeCode.Function nf = natives.functions.get(n);
                if (nf == null || !nf.callsThroughRegister() || module.function(n) != null) {
                    continue;
                }
                for (ValueFlow.CallSite s : directCallers.getOrDefault(n, List.of())) {
                    List<String> items = s.call().argItems();
                    for (int i = 0; i < items.size(); i++) {
                        if (IrText.typeClass(IrText.tokens(items.get(i)).getFirst()) != 'P') {
                            continue;
                        }
                        ValueFlow.Values v = flow.evaluate(s.caller(), ValueFlow.valueOf(items.get(i)), List.of(), 0);
                        for (String fn : v.functions.keySet()) {
                            reach(fn, s.caller().name, "passes it to " + n);
                        }
                        if (v.functions.isEmpty() && !v.unknown.isEmpty()) {
                            unresolvedCallbacks.add("pointer argument " + i + " of " + s.caller().name + "'s call of "
                                    + n + ": " + v.unknown.getFirst());
                        }
                    }
                }
            }
            if (!handlersActive && syscalls(flow).containsKey(RT_SIGACTION)) {
                handlersActive = true;
                for (String fn : List.copyOf(addressTaken)) {
                    handler(fn);
                }
            }
        } while (!queue.isEmpty());
    }

    private void roots() {
        if (module.function("main") != null) {
            reach("main", null, "root: main");
        }
        Matcher m = ASM_SYMBOL.matcher(module.moduleAsm);
        while (m.find()) {
            reachName(m.group(1), null, "root: called by module-level assembly");
        }
        for (String c : module.constructors) {
            reachName(c, null, "root: constructor");
        }
        for (String d : module.destructors) {
            reachName(d, null, "root: destructor");
        }
    }

    private void drain() {
        while (!queue.isEmpty()) {
            String name = queue.removeFirst();
            IrModule.Function f = module.function(name);
            if (f != null && f.defined) {
                visit(f);
                continue;
            }
            NativeCode.Function nf = natives.functions.get(name);
            if (nf != null) {
                for (String ref : nf.references()) {
                    touch(ref, name, "native code refers to it");
                }
            }
        }
    }

    private void visit(IrModule.Function f) {
        for (IrModule.Call c : f.calls) {
            if (c.asm() != null) {
                if (SYSCALL_INSN.matcher(c.asm()).find() || INT80.matcher(c.asm()).find()) {
                    asmSites.add(new ValueFlow.CallSite(f, c));
                }
                continue;
            }
            if (c.callee() != null) {
                String target = module.resolve(c.callee());
                if (target.startsWith("llvm.")) {
                    continue;
                }
                directCallers.computeIfAbsent(target, k -> new ArrayList<>()).add(new ValueFlow.CallSite(f, c));
                reachName(target, f.name, "calls");
                continue;
            }
            List<ValueFlow.CallSite> sites = indirectBySignature.computeIfAbsent(c.signature(), k -> new ArrayList<>());
            sites.add(new ValueFlow.CallSite(f, c));
            if (sites.size() == 1) {
                for (String fn : addressTakenBySignature.getOrDefault(c.signature(), List.of())) {
                    reach(fn, f.name, "indirect call (" + describe(c.signature()) + ")");
                }
            }
        }
        for (String ref : f.refs) {
            touch(ref, f.name, "takes its address");
        }
    }

    /** A name mentioned by reached code or a live initialiser. */
    private void touch(String ref, String from, String how) {
        String r = module.resolve(ref);
        IrModule.Function f = module.function(r);
        if (f != null && f.defined) {
            addressTaken(r, from);
        } else if (natives.functions.containsKey(r)) {
            reach(r, from, how);
        } else if (module.globals.containsKey(r) && sectionBoundary(r) == null) {
            if (liveGlobals.add(r)) {
                for (String inner : module.globals.get(r).refs()) {
                    touch(inner, "@" + r, "initialiser refers to it");
                }
            }
        } else if (f != null && !r.startsWith("llvm.")) {
            undefined.add(r);
        }
        String section = sectionBoundary(r);
        if (section != null && boundariesSeen.add(section)) {
            // __start_X/__stop_X: every member of section X can be read through them
            for (String member : module.sections.getOrDefault(section, List.of())) {
                touch(member, from, "in section " + section + ", which " + from + " walks");
            }
        }
    }

    /** X for the linker-defined {@code __start_X} / {@code __stop_X}, else null. */
    private String sectionBoundary(String name) {
        String s = name.startsWith("__start_") ? name.substring(8) : name.startsWith("__stop_") ? name.substring(7) : null;
        return s != null && module.sections.containsKey(s) ? s : null;
    }

    private void addressTaken(String fn, String from) {
        if (!addressTaken.add(fn)) {
            return;
        }
        String sig = module.function(fn).signature();
        addressTakenBySignature.computeIfAbsent(sig, k -> new ArrayList<>()).add(fn);
        List<ValueFlow.CallSite> sites = indirectBySignature.get(sig);
        if (sites != null && !sites.isEmpty()) {
            reach(fn, sites.getFirst().caller().name, "indirect call (" + describe(sig) + "), address taken in " + from);
        }
        if (handlersActive) {
            handler(fn);
        }
    }

    private void handler(String fn) {
        IrModule.Function f = module.function(fn);
        String sig = f.signature();
        if (f.returnType.equals("void") && (sig.equals(IrModule.Function.signature(List.of("i32"), false))
                || sig.equals(IrModule.Function.signature(List.of("i32", "ptr", "ptr"), false)))) {
            handlerRoots.add(fn);
            reach(fn, null, "root: signal handler (rt_sigaction is reachable, its address is taken)");
        }
    }

    private void reachName(String name, String from, String how) {
        String r = module.resolve(name);
        IrModule.Function f = module.function(r);
        if ((f != null && f.defined) || natives.functions.containsKey(r)) {
            reach(r, from, how);
        } else if (f != null) {
            undefined.add(r);
        }
    }

    private void reach(String name, String from, String how) {
        if (reached.putIfAbsent(name, new Parent(from, how)) == null) {
            queue.addLast(name);
        }
    }

    private static String describe(String sig) {
        return sig.isEmpty() ? "no parameters" : "parameters " + sig;
    }

    private ValueFlow.Program program() {
        return new ValueFlow.Program() {
            @Override
            public IrModule module() {
                return module;
            }

            @Override
            public NativeCode natives() {
                return natives;
            }

            @Override
            public List<ValueFlow.CallSite> callersOf(String function) {
                List<ValueFlow.CallSite> out = new ArrayList<>(directCallers.getOrDefault(function, List.of()));
                IrModule.Function f = module.function(function);
                if (f != null && addressTaken.contains(function)) {
                    out.addAll(indirectBySignature.getOrDefault(f.signature(), List.of()));
                }
                return out;
            }

            @Override
            public Iterable<IrModule.Function> reachedFunctions() {
                List<IrModule.Function> out = new ArrayList<>();
                for (String n : reached.keySet()) {
                    IrModule.Function f = module.function(n);
                    if (f != null && f.defined) {
                        out.add(f);
                    }
                }
                return out;
            }
        };
    }

    /** A resolved number or an unresolved site, as found at one site. */
    private record Found(int number, ValueFlow.Origin origin, String site) {
    }

    private final List<SourceResult.Site> unresolved = new ArrayList<>();
    private int siteCount;

    /** Every number of every reached site, with its origins; unresolved sites are recorded. */
    private Map<Integer, List<Found>> syscalls(ValueFlow flow) {
        Map<Integer, List<Found>> out = new TreeMap<>();
        unresolved.clear();
        siteCount = 0;
        for (ValueFlow.CallSite s : asmSites) {
            siteCount++;
            String where = "inline asm in " + s.caller().name + " (IR line " + s.call().line() + ")";
            if (!SYSCALL_INSN.matcher(s.call().asm()).find()) {
                unresolved.add(new SourceResult.Site(s.caller().name, where, "i386 (int 0x80)", List.of(), List.of("i386 numbers are not x86_64 syscalls")));
                continue;
            }
            int idx = numberOperand(s.call().constraints());
            List<String> items = s.call().argItems();
            if (idx < 0 || idx >= items.size()) {
                unresolved.add(new SourceResult.Site(s.caller().name, where, "unresolved", List.of(),
                        List.of("no {ax} input among the constraints \"" + s.call().constraints() + "\"")));
                continue;
            }
            ValueFlow.Values v = flow.evaluate(s.caller(), ValueFlow.valueOf(items.get(idx)), List.of(s.caller().name), 0);
            collect(v, s.caller().name, where, out);
        }
        for (String n : reached.keySet()) {
            NativeCode.Function nf = natives.functions.get(n);
            if (nf == null || module.function(n) != null && module.function(n).defined) {
                continue;
            }
            for (NativeCode.Site site : nf.sites()) {
                siteCount++;
                String where = "native syscall at " + site.address() + " in " + n + " (" + site.object() + ")";
                ValueFlow.Values v;
                if (site.number() != null) {
                    v = new ValueFlow.Values();
                    v.number(site.number(), new ValueFlow.Origin(n, List.of(n)));
                } else if (site.argument() >= 0) {
                    v = flow.argumentOf(n, site.argument(), List.of(n));
                } else {
                    v = new ValueFlow.Values();
                    v.unknown(site.note());
                }
                collect(v, n, where, out);
            }
        }
        return out;
    }

    private void collect(ValueFlow.Values v, String function, String where, Map<Integer, List<Found>> out) {
        List<Integer> known = new ArrayList<>();
        for (Map.Entry<Long, List<ValueFlow.Origin>> e : v.numbers.entrySet()) {
            long n = e.getKey();
            if (n < 0 || n > 4095) {
                v.unknown("number " + n + " is no syscall");
                continue;
            }
            known.add((int) n);
            for (ValueFlow.Origin o : e.getValue()) {
                out.computeIfAbsent((int) n, k -> new ArrayList<>()).add(new Found((int) n, o, where));
            }
        }
        if (!v.unknown.isEmpty()) {
            unresolved.add(new SourceResult.Site(function, where, known.isEmpty() ? "unresolved" : "partial", known,
                    List.copyOf(v.unknown)));
        }
    }

    /** Index of the argument bound to rax: a {@code {ax}} input, or an input tied to a {@code ={ax}} output. */
    static int numberOperand(String constraints) {
        List<String> outputs = new ArrayList<>();
        int arg = 0;
        for (String c : constraints.split(",")) {
            if (c.startsWith("~")) {
                continue;
            }
            if (c.startsWith("=")) {
                outputs.add(c);
                if (c.contains("*")) {
                    arg++;
                }
                continue;
            }
            if (isRax(c)) {
                return arg;
            }
            if (c.chars().allMatch(Character::isDigit) && !c.isEmpty()) {
                int tied = Integer.parseInt(c);
                if (tied < outputs.size() && isRax(outputs.get(tied).replaceFirst("^=&?", ""))) {
                    return arg;
                }
            }
            arg++;
        }
        return -1;
    }

    private static boolean isRax(String c) {
        return c.equals("{ax}") || c.equals("{rax}") || c.equals("{eax}") || c.equals("a");
    }

    /**
     * restart_syscall is made by no code: the kernel answers a signal-interrupted poll,
     * nanosleep, clock_nanosleep or timed futex wait with it, so it comes with the first of those.
     */
    private void implied(Map<Integer, List<Found>> found, List<SourceResult.SyscallEntry> entries) {
        if (found.containsKey(RESTART_SYSCALL)) {
            return;
        }
        for (int trigger : RESTARTED) {
            List<Found> f = found.get(trigger);
            if (f != null) {
                Found first = f.getFirst();
                entries.add(new SourceResult.SyscallEntry(RESTART_SYSCALL, table.name(RESTART_SYSCALL), List.of(
                        new SourceResult.Provenance(pathTo(first.origin().function()), first.origin().through(),
                                "implied by " + table.name(trigger) + " (" + first.site()
                                        + "): the kernel restarts it with restart_syscall after a signal"))));
                entries.sort(java.util.Comparator.comparingInt(SourceResult.SyscallEntry::number));
                return;
            }
        }
    }

    private List<String> pathTo(String function) {
        List<String> path = new ArrayList<>();
        String cur = function;
        Set<String> seen = new HashSet<>();
        while (cur != null && seen.add(cur)) {
            Parent p = reached.get(cur);
            if (p == null) {
                break;
            }
            path.addFirst(cur);
            cur = p.from() != null && p.from().startsWith("@") ? null : p.from();
        }
        return path;
    }

    private SourceResult result(String label, long parseMillis, long analysisMillis) {
        Map<Integer, List<Found>> found = syscalls(new ValueFlow(program()));
        List<SourceResult.SyscallEntry> entries = new ArrayList<>();
        for (Map.Entry<Integer, List<Found>> e : found.entrySet()) {
            List<SourceResult.Provenance> prov = e.getValue().stream()
                    .map(f -> new SourceResult.Provenance(f.origin().function().startsWith("@") ? List.of()
                            : pathTo(f.origin().function()), f.origin().through(), f.site()))
                    .distinct()
                    .sorted(Comparator.comparingInt((SourceResult.Provenance p) -> p.path().size() + p.through().size()))
                    .limit(3)
                    .toList();
            entries.add(new SourceResult.SyscallEntry(e.getKey(), table.name(e.getKey()), prov));
        }
        implied(found, entries);
        int defined = (int) module.functions.values().stream().filter(f -> f.defined).count();
        int reachedIr = 0;
        int reachedNative = 0;
        for (String n : reached.keySet()) {
            IrModule.Function f = module.function(n);
            if (f != null && f.defined) {
                reachedIr++;
            } else {
                reachedNative++;
            }
        }
        SourceResult.Stats stats = new SourceResult.Stats(defined, reachedIr, natives.functions.size(), reachedNative,
                addressTaken.size(), indirectBySignature.size(), handlerRoots.size(), siteCount, module.lines,
                module.instructions, parseMillis, analysisMillis);
        return new SourceResult(label, entries, List.copyOf(unresolved), List.copyOf(undefined),
                List.copyOf(unresolvedCallbacks), stats);
    }
}
