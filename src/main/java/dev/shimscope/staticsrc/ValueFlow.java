package dev.shimscope.staticsrc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Which constants and which functions an IR value can hold, followed backwards through the
 * program's reached code: integer and function constants, casts, {@code phi} and
 * {@code select}, {@code add/sub/or/xor/and/shl} with constants, a function's parameter (the
 * argument at every reached call site that can call it: direct calls, and indirect calls of a
 * matching signature when its address is taken), and a {@code load} from a memory location
 * class — a global, or a field of a named struct type ({@code %struct.ctx} field 3 wherever it
 * is) — whose values are those stored to the same class by reached code, plus the matching
 * initialisers of globals. Anything else (a call's result, arithmetic on two unknowns, a load
 * through a pointer that names no class) is an unknown, reported with its reason, never guessed.
 * Each constant keeps where it came from: the function it was written in and the functions it
 * flowed through.
 */
final class ValueFlow {

    /** Where a constant was written, and the functions it passed through to reach the value asked about. */
    record Origin(String function, List<String> through) {
    }

    /** The result: constants and functions with an origin each, and the reasons for any unknown part. */
    static final class Values {
        final TreeMap<Long, List<Origin>> numbers = new TreeMap<>();
        final Map<String, Origin> functions = new LinkedHashMap<>();
        final List<String> unknown = new ArrayList<>();

        void number(long v, Origin o) {
            List<Origin> l = numbers.computeIfAbsent(v, k -> new ArrayList<>());
            if (l.size() < 8) {
                l.add(o);
            }
        }

        void addAll(Values other) {
            other.numbers.forEach((v, os) -> os.forEach(o -> number(v, o)));
            other.functions.forEach(functions::putIfAbsent);
            for (String u : other.unknown) {
                unknown(u);
            }
        }

        void unknown(String why) {
            if (unknown.size() < 20 && !unknown.contains(why)) {
                unknown.add(why);
            }
        }
    }

    /** A call site: the function that contains it and the call. */
    record CallSite(IrModule.Function caller, IrModule.Call call) {
    }

    /** What the analysis knows about reached code; supplied by {@link SourceAnalyzer}. */
    interface Program {
        IrModule module();

        NativeCode natives();

        /** Reached call sites that can call {@code function} (an IR or native function). */
        List<CallSite> callersOf(String function);

        /** Reached functions, for the store index. */
        Iterable<IrModule.Function> reachedFunctions();
    }

    private static final Set<String> CONST_EXPR = Set.of("getelementptr", "bitcast", "ptrtoint", "inttoptr",
            "addrspacecast", "select", "add", "sub", "or", "xor", "and", "shl", "mul", "trunc", "zext", "sext");
    private static final int MAX_DEPTH = 64;

    private final Program program;
    private final IrModule module;
    private Map<String, List<Stored>> storesByClass;
    private Map<String, List<IrModule.Global>> globalsByType;
    private IrTypes types;
    private final Set<String> visiting = new HashSet<>();

    private record Stored(IrModule.Function function, String value) {
    }

    ValueFlow(Program program) {
        this.program = program;
        this.module = program.module();
    }

    /** The value of argument {@code index} at every reached call of {@code function}. */
    Values argumentOf(String function, int index, List<String> through) {
        Values out = new Values();
        List<CallSite> sites = program.callersOf(function);
        if (sites.isEmpty()) {
            out.unknown("no reached call of " + function + " passes argument " + index);
        }
        for (CallSite s : sites) {
            List<String> items = s.call().argItems();
            if (index >= items.size()) {
                out.unknown(s.caller().name + " calls " + function + " with fewer than " + (index + 1) + " arguments");
                continue;
            }
            out.addAll(evaluate(s.caller(), valueOf(items.get(index)), append(through, s.caller().name), 0));
        }
        return out;
    }

    /** The value written in argument or operand item {@code item} ({@code i64 noundef 39} gives {@code 39}). */
    static String valueOf(String item) {
        List<String> tok = IrText.tokens(item);
        for (int i = 1; i < tok.size(); i++) {
            if (CONST_EXPR.contains(tok.get(i)) && i + 1 < tok.size()) {
                return String.join(" ", tok.subList(i, tok.size()));
            }
        }
        return tok.getLast();
    }

    /** What {@code value}, as written in {@code f}, can be. */
    Values evaluate(IrModule.Function f, String value, List<String> through, int depth) {
        Values out = new Values();
        String v = value.strip();
        if (depth > MAX_DEPTH) {
            out.unknown("value flow deeper than " + MAX_DEPTH + " steps in " + f.name);
            return out;
        }
        Long c = literal(v);
        if (c != null) {
            out.number(c, new Origin(f.name, through));
            return out;
        }
        if (v.equals("undef") || v.equals("poison")) {
            return out; // no defined value: contributes nothing
        }
        if (v.startsWith("@")) {
            String name = module.resolve(IrText.bare(v));
            if (module.function(name) != null || program.natives().functions.containsKey(name)) {
                out.functions.putIfAbsent(name, new Origin(f.name, through));
            } else {
                out.unknown("address of global @" + name + " in " + f.name);
            }
            return out;
        }
        if (!v.startsWith("%")) {
            return constantExpression(f, v, through, depth);
        }
        String key = f.name + "\u0000" + v;
        if (!visiting.add(key)) {
            return out; // a cycle adds nothing new
        }
        try {
            int param = f.paramIndex(v);
            if (param >= 0) {
                return argumentOf(f.name, param, through);
            }
            String def = f.defs.get(v);
            if (def == null) {
                out.unknown(v + " in " + f.name + " is the result of a call");
                return out;
            }
            return instruction(f, v, def, through, depth);
        } finally {
            visiting.remove(key);
        }
    }

    private Values instruction(IrModule.Function f, String v, String def, List<String> through, int depth) {
        Values out = new Values();
        int sp = def.indexOf(' ');
        String op = sp < 0 ? def : def.substring(0, sp);
        String rest = sp < 0 ? "" : def.substring(sp + 1);
        switch (op) {
            case "phi" -> {
                for (int i = rest.indexOf('['); i >= 0; i = rest.indexOf('[', i + 1)) {
                    int close = IrText.closing(rest, i);
                    List<String> pair = IrText.splitTop(rest.substring(i + 1, close), ',');
                    out.addAll(evaluate(f, pair.getFirst(), through, depth + 1));
                    i = close;
                }
            }
            case "select" -> {
                List<String> items = IrText.splitTop(rest, ',');
                out.addAll(evaluate(f, valueOf(items.get(1)), through, depth + 1));
                out.addAll(evaluate(f, valueOf(items.get(2)), through, depth + 1));
            }
            case "zext", "sext", "trunc", "bitcast", "freeze", "inttoptr", "ptrtoint", "addrspacecast" -> {
                int to = rest.lastIndexOf(" to ");
                String operand = to < 0 ? rest : rest.substring(0, to);
                Values inner = evaluate(f, valueOf(operand), through, depth + 1);
                if (op.equals("trunc") && to >= 0) {
                    inner = mapNumbers(inner, x -> truncate(x, rest.substring(to + 4).strip()));
                } else if (op.equals("zext")) {
                    String from = IrText.tokens(operand).getFirst();
                    inner = mapNumbers(inner, x -> zeroExtend(x, from));
                }
                out.addAll(inner);
            }
            case "add", "sub", "or", "xor", "and", "shl", "mul" -> {
                List<String> items = IrText.splitTop(rest, ',');
                Values a = evaluate(f, valueOf(items.get(0)), through, depth + 1);
                Values b = evaluate(f, valueOf(items.get(1)), through, depth + 1);
                out.unknown.addAll(a.unknown);
                out.unknown.addAll(b.unknown);
                if (a.numbers.size() * b.numbers.size() > 64) {
                    out.unknown("too many combinations for " + op + " in " + f.name);
                    return out;
                }
                a.numbers.forEach((x, ox) -> b.numbers.forEach((y, oy) -> out.number(apply(op, x, y), ox.getFirst())));
            }
            case "load" -> {
                List<String> items = IrText.splitTop(rest, ',');
                String pointer = pointerOperand(items.size() > 1 ? items.get(1) : "");
                Set<String> classes = memoryClasses(f, pointer, rest);
                if (classes.isEmpty()) {
                    out.unknown("load through " + pointer + " in " + f.name + " (no memory class)");
                    return out;
                }
                for (String cls : classes) {
                    out.addAll(storedTo(cls, through, depth));
                }
            }
            default -> out.unknown(v + " in " + f.name + " is computed by '" + op + "'");
        }
        return out;
    }

    private Values constantExpression(IrModule.Function f, String v, List<String> through, int depth) {
        Values out = new Values();
        int open = v.indexOf('(');
        String op = IrText.tokens(v).getFirst();
        if (open < 0) {
            out.unknown("constant '" + v + "' in " + f.name);
            return out;
        }
        String inner = v.substring(open + 1, IrText.closing(v, open));
        switch (op) {
            case "ptrtoint", "inttoptr", "bitcast", "addrspacecast", "trunc", "zext", "sext" -> {
                int to = inner.lastIndexOf(" to ");
                return evaluate(f, valueOf(to < 0 ? inner : inner.substring(0, to)), through, depth + 1);
            }
            case "select" -> {
                List<String> items = IrText.splitTop(inner, ',');
                out.addAll(evaluate(f, valueOf(items.get(1)), through, depth + 1));
                out.addAll(evaluate(f, valueOf(items.get(2)), through, depth + 1));
                return out;
            }
            default -> {
                out.unknown("constant expression '" + op + "' in " + f.name);
                return out;
            }
        }
    }

    /** The pointer of a {@code ptr %p} operand item (also {@code ptr %p unordered} of atomic loads). */
    private static String pointerOperand(String item) {
        List<String> tok = IrText.tokens(item);
        for (int i = 0; i < tok.size(); i++) {
            if (CONST_EXPR.contains(tok.get(i)) && i + 1 < tok.size()) {
                return String.join(" ", tok.subList(i, tok.size()));
            }
        }
        return tok.size() > 1 ? tok.get(1) : tok.isEmpty() ? "" : tok.getFirst();
    }

    /**
     * The memory location classes of an access: {@code G:name} for a global (any offset), and
     * {@code F:struct:offset} for a field of a named struct — from the access's type-based alias
     * analysis tag ({@code !tbaa}: base type and byte offset) and from a {@code getelementptr}
     * with constant indices into a named struct type (its byte offset computed by
     * {@link IrTypes}), so both forms of one field meet. Empty when the pointer names no class.
     */
    Set<String> memoryClasses(IrModule.Function f, String pointer, String instruction) {
        Set<String> out = new LinkedHashSet<>();
        String tag = tbaaClass(instruction);
        if (tag != null) {
            out.add(tag);
        }
        pointerClasses(f, pointer.strip(), 0, 0, out);
        return out;
    }

    private String tbaaClass(String instruction) {
        int i = instruction.indexOf("!tbaa !");
        if (i < 0) {
            return null;
        }
        int end = i + 6;
        while (end + 1 < instruction.length() && Character.isDigit(instruction.charAt(end + 1))) {
            end++;
        }
        String tag = module.metadata.get(instruction.substring(i + 6, end + 1));
        if (tag == null || !tag.startsWith("!{")) {
            return null;
        }
        List<String> items = IrText.splitTop(tag.substring(2, tag.length() - 1), ',');
        if (items.size() < 3 || items.get(0).equals(items.get(1))) {
            return null; // a scalar access (int *p): no struct field
        }
        String base = module.metadata.get(items.get(0));
        Long offset = literal(valueOf(items.get(2)));
        if (base == null || offset == null || !base.startsWith("!{!\"")) {
            return null;
        }
        String name = base.substring(4, base.indexOf('"', 4));
        return "F:" + name + ":" + offset;
    }

    /** Adds the classes of pointer {@code p}, {@code extra} bytes past it. */
    private void pointerClasses(IrModule.Function f, String p, long extra, int depth, Set<String> out) {
        if (depth > 16) {
            return;
        }
        if (p.startsWith("@")) {
            out.add("G:" + module.resolve(IrText.bare(p)));
            return;
        }
        if (p.startsWith("getelementptr")) {
            int open = p.indexOf('(');
            if (open >= 0) {
                gepClasses(f, IrText.splitTop(p.substring(open + 1, IrText.closing(p, open)), ','), extra, depth, out);
            }
            return;
        }
        if (p.startsWith("bitcast") || p.startsWith("addrspacecast")) {
            int open = p.indexOf('(');
            String inner = p.substring(open + 1, IrText.closing(p, open));
            pointerClasses(f, valueOf(inner.substring(0, inner.lastIndexOf(" to "))), extra, depth + 1, out);
            return;
        }
        if (!p.startsWith("%")) {
            return;
        }
        String def = f.defs.get(p);
        if (def == null) {
            return;
        }
        if (def.startsWith("getelementptr ")) {
            String rest = def.substring("getelementptr ".length());
            if (rest.startsWith("inbounds ")) {
                rest = rest.substring("inbounds ".length());
            }
            gepClasses(f, IrText.splitTop(rest, ','), extra, depth, out);
        } else if (def.startsWith("alloca ")) {
            String type = IrText.tokens(def.substring("alloca ".length())).getFirst();
            if (isStruct(type)) {
                out.add("F:" + structName(type) + ":" + extra);
            }
        } else if (def.startsWith("bitcast ") || def.startsWith("addrspacecast ")) {
            String rest = def.substring(def.indexOf(' ') + 1);
            pointerClasses(f, valueOf(rest.substring(0, rest.lastIndexOf(" to "))), extra, depth + 1, out);
        }
    }

    private void gepClasses(IrModule.Function f, List<String> items, long extra, int depth, Set<String> out) {
        if (items.size() < 2) {
            return;
        }
        String source = items.getFirst().replaceFirst("^inbounds ", "").strip();
        String base = pointerOperand(items.get(1));
        // the first index steps over whole objects (p[i].field is field's class whatever i is)
        Long first = items.size() > 2 ? literal(valueOf(items.get(2))) : null;
        List<Long> path = new ArrayList<>();
        boolean constant = true;
        for (int i = 3; i < items.size(); i++) {
            Long k = literal(valueOf(items.get(i)));
            if (k == null) {
                constant = false;
                break;
            }
            path.add(k);
        }
        if (isStruct(source) && constant && items.size() > 2) {
            long off = types().offset(source, path);
            if (off >= 0) {
                out.add("F:" + structName(source) + ":" + (off + (first != null && first == 0 ? extra : 0)));
            }
        } else if (first != null && items.size() == 3 && (source.equals("i8") || IrText.typeClass(source) == 'I')) {
            // byte arithmetic on a pointer: the base's field plus the offset
            long[] l = types().layout(source);
            if (l[0] > 0) {
                pointerClasses(f, base, extra + first * l[0], depth + 1, out);
            }
        }
        if (base.startsWith("@")) {
            out.add("G:" + module.resolve(IrText.bare(base)));
        }
    }

    private IrTypes types() {
        if (types == null) {
            types = new IrTypes(module.types);
        }
        return types;
    }

    private static boolean isStruct(String type) {
        return type.startsWith("%struct.") || type.startsWith("%union.") || type.startsWith("%\"struct.")
                || type.startsWith("%\"union.");
    }

    /** {@code %struct.ctx.12} is {@code ctx}, as type-based alias analysis names it; the linker renames clashing types. */
    static String structName(String type) {
        String n = type.replace("\"", "").substring(1);
        n = n.replaceFirst("^(struct|union)\\.", "");
        return n.replaceFirst("(\\.\\d+)+$", "");
    }

    private Values storedTo(String cls, List<String> through, int depth) {
        Values out = new Values();
        if (storesByClass == null) {
            indexStores();
        }
        for (Stored s : storesByClass.getOrDefault(cls, List.of())) {
            out.addAll(evaluate(s.function(), s.value(), append(through, s.function().name), depth + 1));
        }
        if (cls.startsWith("G:")) {
            IrModule.Global g = module.global(cls.substring(2));
            if (g == null || g.initializer() == null) {
                if (!storesByClass.containsKey(cls)) {
                    out.unknown("global @" + cls.substring(2) + " is defined outside the IR");
                }
            } else {
                initializer(g, g.initializer(), out);
            }
        } else {
            String[] parts = cls.split(":", -1);
            long off = Long.parseLong(parts[2]);
            for (IrModule.Global g : globalsOfType(parts[1])) {
                String field = fieldAt(g.type(), g.initializer(), off);
                if (field != null) {
                    initializer(g, field, out);
                }
            }
        }
        return out;
    }

    private void initializer(IrModule.Global g, String init, Values out) {
        Long c = literal(init.strip());
        if (c != null) {
            out.number(c, new Origin("@" + g.name(), List.of()));
        } else if (init.strip().startsWith("@")) {
            String name = module.resolve(IrText.bare(init.strip()));
            if (module.function(name) != null) {
                out.functions.putIfAbsent(name, new Origin("@" + g.name(), List.of()));
            }
        } else if (!init.contains("zeroinitializer") && !init.equals("null") && !init.equals("undef")) {
            out.unknown("initializer of @" + g.name());
        } else {
            out.number(0, new Origin("@" + g.name(), List.of()));
        }
    }

    /** The initialiser of the scalar at byte {@code off} of an initialiser of {@code type}, or null. */
    private String fieldAt(String type, String init, long off) {
        String t = type.strip();
        String body = t.startsWith("%") ? module.types.get(IrText.bare(t)) : t;
        String value = init == null ? null : init.strip();
        if (value == null || body == null) {
            return null;
        }
        if (value.equals("zeroinitializer")) {
            return "0";
        }
        if (!(body.startsWith("{") || body.startsWith("<{"))) {
            return off == 0 ? value : null;
        }
        int open = value.indexOf('{');
        if (open < 0) {
            return null;
        }
        List<String> items = IrText.splitTop(value.substring(open + 1, IrText.closing(value, open)), ',');
        int bo = body.indexOf('{');
        List<String> fields = IrText.splitTop(body.substring(bo + 1, IrText.closing(body, bo)), ',');
        for (int i = 0; i < fields.size() && i < items.size(); i++) {
            long start = types().offset(t, List.of((long) i));
            long size = types().layout(fields.get(i))[0];
            if (start < 0 || size < 0) {
                return null;
            }
            if (off >= start && off < start + size) {
                List<String> tok = IrText.tokens(items.get(i));
                String fv = tok.size() > 1 ? String.join(" ", tok.subList(1, tok.size())) : tok.getFirst();
                return fieldAt(fields.get(i), fv, off - start);
            }
        }
        return null;
    }

    private List<IrModule.Global> globalsOfType(String struct) {
        if (globalsByType == null) {
            globalsByType = new HashMap<>();
            for (IrModule.Global g : module.globals.values()) {
                if (isStruct(g.type()) && g.initializer() != null) {
                    globalsByType.computeIfAbsent(structName(g.type()), k -> new ArrayList<>()).add(g);
                }
            }
        }
        return globalsByType.getOrDefault(struct, List.of());
    }

    private void indexStores() {
        storesByClass = new HashMap<>();
        for (IrModule.Function f : program.reachedFunctions()) {
            for (String s : f.stores) {
                List<String> items = IrText.splitTop(s, ',');
                if (items.size() < 2) {
                    continue;
                }
                String value = valueOf(items.getFirst().replaceFirst("^volatile ", "").replaceFirst("^atomic ", ""));
                for (String cls : memoryClasses(f, pointerOperand(items.get(1)), s)) {
                    storesByClass.computeIfAbsent(cls, k -> new ArrayList<>()).add(new Stored(f, value));
                }
            }
        }
    }

    /** Forgets the store index (the set of reached functions has grown). */
    void reset() {
        storesByClass = null;
    }

    private static Values mapNumbers(Values in, Function<Long, Long> fn) {
        Values out = new Values();
        in.numbers.forEach((v, os) -> os.forEach(o -> out.number(fn.apply(v), o)));
        in.functions.forEach(out.functions::putIfAbsent);
        out.unknown.addAll(in.unknown);
        return out;
    }

    private static long truncate(long v, String type) {
        return switch (type) {
            case "i32" -> (int) v;
            case "i16" -> (short) v;
            case "i8" -> (byte) v;
            case "i1" -> v & 1;
            default -> v;
        };
    }

    private static long zeroExtend(long v, String from) {
        return switch (from) {
            case "i32" -> v & 0xffffffffL;
            case "i16" -> v & 0xffff;
            case "i8" -> v & 0xff;
            case "i1" -> v & 1;
            default -> v;
        };
    }

    private static long apply(String op, long a, long b) {
        return switch (op) {
            case "add" -> a + b;
            case "sub" -> a - b;
            case "or" -> a | b;
            case "xor" -> a ^ b;
            case "and" -> a & b;
            case "shl" -> a << b;
            case "mul" -> a * b;
            default -> throw new IllegalArgumentException(op);
        };
    }

    static Long literal(String v) {
        if (v.equals("true")) {
            return 1L;
        }
        if (v.equals("false") || v.equals("null") || v.equals("zeroinitializer")) {
            return 0L;
        }
        int i = v.startsWith("-") ? 1 : 0;
        if (i >= v.length()) {
            return null;
        }
        for (int k = i; k < v.length(); k++) {
            if (!Character.isDigit(v.charAt(k))) {
                return null;
            }
        }
        try {
            return Long.parseLong(v);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static List<String> append(List<String> l, String name) {
        if (!l.isEmpty() && l.getFirst().equals(name)) {
            return l;
        }
        List<String> out = new ArrayList<>(l.size() + 1);
        out.add(name);
        out.addAll(l);
        return out;
    }
}
