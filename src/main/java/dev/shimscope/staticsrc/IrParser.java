package dev.shimscope.staticsrc;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Reads LLVM's textual IR ({@code llvm-dis} output, LLVM 15 or later: opaque pointers) into an
 * {@link IrModule}. Line-oriented, as the printer writes it: one {@code define} header per line,
 * one instruction per line (switch tables, invoke successors and landing-pad clauses continue on
 * further lines and are only scanned for names), globals and aliases one per line. It keeps what
 * the call graph and the syscall-number analysis need — calls with their callee, arguments and
 * signature, stores, the defining text of values, and every global name a body or initialiser
 * mentions — and skips types, attributes and metadata.
 */
final class IrParser {

    /** Instructions whose text {@link ValueFlow} may follow; other definitions keep only their opcode. */
    private static final Set<String> FLOW_OPS = Set.of("phi", "select", "zext", "sext", "trunc", "bitcast", "freeze",
            "load", "getelementptr", "alloca", "add", "sub", "or", "xor", "and", "shl", "lshr", "ashr", "mul",
            "inttoptr", "ptrtoint", "addrspacecast");

    private IrParser() {
    }

    /** Parses a {@code .ll} file; an error names the file and line. */
    static IrModule parse(Path file) throws IOException {
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(r, file.toString());
        }
    }

    static IrModule parse(BufferedReader r, String where) throws IOException {
        IrModule m = new IrModule();
        IrModule.Function current = null;
        boolean inTable = false;
        String line;
        int n = 0;
        while ((line = r.readLine()) != null) {
            n++;
            try {
                if (current != null) {
                    if (line.equals("}")) {
                        current = null;
                        inTable = false;
                        continue;
                    }
                    String t = line.strip();
                    if (inTable) {
                        IrText.globalRefs(t, current.refs::add);
                        inTable = !t.startsWith("]");
                        continue;
                    }
                    if (t.isEmpty() || t.charAt(0) == ';') {
                        continue;
                    }
                    inTable = instruction(m, current, t, n);
                    continue;
                }
                if (line.startsWith("define ")) {
                    current = header(m, line, true, n);
                } else if (line.startsWith("declare ")) {
                    header(m, line, false, n);
                } else if (line.startsWith("@")) {
                    global(m, line);
                } else if (line.startsWith("%") && line.contains(" = type ")) {
                    int end = IrText.nameEnd(line, 0);
                    m.types.put(IrText.bare(line.substring(0, end)), line.substring(line.indexOf(" = type ") + 8).strip());
                } else if (line.startsWith("!") && line.contains(" = !{")) {
                    int eq = line.indexOf(" = ");
                    m.metadata.put(line.substring(0, eq), line.substring(eq + 3));
                } else if (line.startsWith("module asm ")) {
                    for (String s : IrText.quotedStrings(line.substring("module asm ".length()))) {
                        m.moduleAsm.append(s).append('\n');
                    }
                }
            } catch (RuntimeException e) {
                throw new IrFormatException(where + ":" + n + ": cannot read this line of LLVM IR ("
                        + e.getMessage() + "): " + abbreviate(line), e);
            }
        }
        m.lines = n;
        if (current != null) {
            throw new IrFormatException(where + ": ends inside the body of @" + current.name + " (truncated file?)", null);
        }
        return m;
    }

    private static String abbreviate(String s) {
        return s.length() > 160 ? s.substring(0, 160) + "..." : s;
    }

    /** Thrown for text this reader cannot make sense of; the message names the file and line. */
    static final class IrFormatException extends IllegalArgumentException {
        IrFormatException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static IrModule.Function header(IrModule m, String line, boolean defined, int n) {
        int at = firstGlobal(line);
        int end = IrText.nameEnd(line, at);
        String name = IrText.bare(line.substring(at, end));
        if (end >= line.length() || line.charAt(end) != '(') {
            throw new IllegalArgumentException("no parameter list after @" + name);
        }
        int close = IrText.closing(line, end);
        List<String> types = new ArrayList<>();
        List<String> names = new ArrayList<>();
        boolean varargs = false;
        for (String item : IrText.splitTop(line.substring(end + 1, close), ',')) {
            if (item.equals("...")) {
                varargs = true;
                continue;
            }
            List<String> tok = IrText.tokens(item);
            types.add(tok.getFirst());
            String last = tok.getLast();
            names.add(tok.size() > 1 && last.startsWith("%") ? last : null);
        }
        if (defined) {
            // unnamed parameters are %0, %1, ... in order
            for (int i = 0; i < names.size(); i++) {
                if (names.get(i) == null) {
                    names.set(i, "%" + i);
                }
            }
        }
        List<String> before = IrText.tokens(line.substring(0, at));
        String returnType = before.isEmpty() ? "" : before.getLast();
        IrModule.Function f = new IrModule.Function(name, returnType, List.copyOf(types), names, varargs, defined, n);
        IrModule.Function old = m.functions.get(name);
        if (old == null || (defined && !old.defined)) {
            m.functions.put(name, f);
        }
        if (defined) {
            // prefix/prologue data and personality functions are named on the header
            IrText.globalRefs(line.substring(close + 1), f.refs::add);
            String section = section(line.substring(close + 1));
            if (section != null) {
                m.sections.computeIfAbsent(section, k -> new ArrayList<>()).add(name);
            }
        }
        return f;
    }

    private static int firstGlobal(String line) {
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                quoted = c != '"';
            } else if (c == '"') {
                quoted = true;
            } else if (c == '@') {
                return i;
            }
        }
        throw new IllegalArgumentException("no function name");
    }

    private static void global(IrModule m, String line) {
        int end = IrText.nameEnd(line, 0);
        String name = IrText.bare(line.substring(0, end));
        if (!line.startsWith(" = ", end)) {
            return;
        }
        String rest = line.substring(end + 3);
        List<String> tok = IrText.tokens(rest);
        for (int i = 0; i < tok.size(); i++) {
            String k = tok.get(i);
            if (k.equals("alias") || k.equals("ifunc")) {
                // the aliasee (or an ifunc's resolver) is the last name on the line
                List<String> refs = new ArrayList<>();
                IrText.globalRefs(rest, refs::add);
                if (!refs.isEmpty()) {
                    m.aliases.put(name, refs.getLast());
                }
                return;
            }
            if (k.equals("global") || k.equals("constant")) {
                String type = i + 1 < tok.size() ? tok.get(i + 1) : "";
                int typeAt = rest.indexOf(type, rest.indexOf(k) + k.length());
                List<String> items = IrText.splitTop(rest.substring(typeAt + type.length()), ',');
                String init = items.isEmpty() || isAttachment(items.getFirst()) ? null : items.getFirst();
                List<String> refs = new ArrayList<>();
                if (init != null) {
                    IrText.globalRefs(init, refs::add);
                }
                m.globals.put(name, new IrModule.Global(name, List.copyOf(refs), type, init, k.equals("constant")));
                for (String item : items) {
                    String section = section(item);
                    if (section != null) {
                        m.sections.computeIfAbsent(section, x -> new ArrayList<>()).add(name);
                    }
                }
                if (name.equals("llvm.global_ctors")) {
                    m.constructors.addAll(refs);
                } else if (name.equals("llvm.global_dtors")) {
                    m.destructors.addAll(refs);
                }
                return;
            }
        }
    }

    /** The name in a {@code section "X"} attribute of {@code text}, or null. */
    private static String section(String text) {
        int i = text.indexOf("section \"");
        if (i < 0) {
            return null;
        }
        int end = text.indexOf('"', i + 9);
        return end < 0 ? null : text.substring(i + 9, end);
    }

    private static boolean isAttachment(String item) {
        return item.startsWith("section ") || item.startsWith("align ") || item.startsWith("!") || item.startsWith("comdat")
                || item.startsWith("partition ") || item.startsWith("no_sanitize") || item.startsWith("sanitize_");
    }

    /** Reads one instruction into {@code f}; true when a table (switch, indirectbr) continues on the next lines. */
    private static boolean instruction(IrModule m, IrModule.Function f, String t, int n) {
        int first = t.indexOf(' ');
        String head = first < 0 ? t : t.substring(0, first);
        if (head.endsWith(":")) {
            return false;
        }
        String result = null;
        String body = t;
        if (t.charAt(0) == '%') {
            int end = IrText.nameEnd(t, 0);
            if (t.startsWith(" = ", end)) {
                result = t.substring(0, end);
                body = t.substring(end + 3);
            }
        }
        m.instructions++;
        int sp = body.indexOf(' ');
        String op = sp < 0 ? body : body.substring(0, sp);
        String rest = sp < 0 ? "" : body.substring(sp + 1);
        if (op.equals("tail") || op.equals("musttail") || op.equals("notail")) {
            int sp2 = rest.indexOf(' ');
            op = rest.substring(0, sp2);
            rest = rest.substring(sp2 + 1);
        }
        switch (op) {
            case "call", "invoke", "callbr" -> {
                call(f, rest, result, n);
                return false;
            }
            case "store" -> f.stores.add(rest);
            default -> {
            }
        }
        if (result != null) {
            f.defs.put(result, FLOW_OPS.contains(op) ? op + " " + rest : op.intern());
        }
        IrText.globalRefs(rest, f.refs::add);
        return (op.equals("switch") || op.equals("indirectbr")) && rest.endsWith("[");
    }

    private static void call(IrModule.Function f, String rest, String result, int n) {
        int calleeStart = -1;
        int calleeEnd = -1;
        boolean asm = false;
        int depth = 0;
        for (int i = 0; i < rest.length(); i++) {
            char c = rest.charAt(i);
            if (c == '"') {
                int q = rest.indexOf('"', i + 1);
                if (depth == 0 && q + 1 < rest.length() && rest.charAt(q + 1) == '(') {
                    calleeStart = rest.lastIndexOf(" asm ", i) + 1;
                    calleeEnd = q + 1;
                    asm = true;
                    break;
                }
                i = q;
                continue;
            }
            switch (c) {
                case '(', '[', '{', '<' -> depth++;
                case ')', ']', '}', '>' -> depth--;
                case '@', '%' -> {
                    int end = IrText.nameEnd(rest, i);
                    if (depth == 0 && end < rest.length() && rest.charAt(end) == '(') {
                        calleeStart = i;
                        calleeEnd = end;
                    }
                    i = end - 1;
                }
                default -> {
                }
            }
            if (calleeStart >= 0) {
                break;
            }
        }
        if (calleeStart < 0) {
            // a call of a constant expression: keep its names as references
            IrText.globalRefs(rest, f.refs::add);
            return;
        }
        int close = IrText.closing(rest, calleeEnd);
        String args = rest.substring(calleeEnd + 1, close);
        String prefix = rest.substring(0, calleeStart);
        String callee = null;
        String calleeValue = null;
        String asmText = null;
        String constraints = null;
        if (asm) {
            List<String> strings = IrText.quotedStrings(rest.substring(calleeStart, calleeEnd));
            asmText = strings.isEmpty() ? "" : strings.getFirst();
            constraints = strings.size() > 1 ? strings.get(1) : "";
        } else if (rest.charAt(calleeStart) == '@') {
            callee = IrText.bare(rest.substring(calleeStart, calleeEnd));
        } else {
            calleeValue = rest.substring(calleeStart, calleeEnd);
        }
        // the explicit function type, when printed (variadic callees), else the arguments' types
        List<String> prefixTokens = IrText.tokens(prefix);
        List<String> types = new ArrayList<>();
        boolean varargs = false;
        String fnType = prefixTokens.isEmpty() ? "" : prefixTokens.getLast();
        if (fnType.startsWith("(") && !asm) {
            for (String item : IrText.splitTop(fnType.substring(1, fnType.length() - 1), ',')) {
                if (item.equals("...")) {
                    varargs = true;
                } else {
                    types.add(IrText.tokens(item).getFirst());
                }
            }
        } else {
            for (String item : IrText.splitTop(args, ',')) {
                types.add(IrText.tokens(item).getFirst());
            }
        }
        f.calls.add(new IrModule.Call(callee, calleeValue, asmText, constraints, args,
                IrModule.Function.signature(types, varargs), result, n));
        IrText.globalRefs(prefix, f.refs::add);
        IrText.globalRefs(args, f.refs::add);
        IrText.globalRefs(rest.substring(close + 1), f.refs::add);
    }
}
