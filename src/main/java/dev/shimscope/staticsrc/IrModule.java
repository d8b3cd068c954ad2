package dev.shimscope.staticsrc;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A whole program's LLVM IR as {@link IrParser} reads it: functions (defined or only declared)
 * with the parts of their bodies the analysis uses, globals with the names their initialisers
 * refer to, aliases, module-level assembly and the constructor and destructor lists. Instruction
 * texts are kept as they are and parsed further only where the analysis asks ({@link ValueFlow}).
 */
final class IrModule {

    /** One call, invoke or callbr instruction. */
    record Call(
            String callee,        // direct callee without '@', or null
            String calleeValue,   // the called value as written when indirect (%5, or a constant expression)
            String asm,           // inline assembly text when the callee is 'asm', else null
            String constraints,   // inline assembly constraints, else null
            String args,          // the argument list as written, without the parentheses
            String signature,     // parameter classes (IrText.typeClass), "..." appended when variadic
            String result,        // the local it defines, or null
            int line) {

        boolean indirect() {
            return callee == null && asm == null;
        }

        /** The argument items ({@code i32 noundef 5}), split at top-level commas. */
        List<String> argItems() {
            return IrText.splitTop(args, ',');
        }
    }

    /** A function: its signature and, when defined here, what its body does. */
    static final class Function {
        final String name;
        final String returnType;
        final List<String> paramTypes;
        final List<String> paramNames;
        final boolean varargs;
        final boolean defined;
        final int line;
        final Map<String, String> defs = new HashMap<>();
        final List<Call> calls = new ArrayList<>();
        final List<String> stores = new ArrayList<>();
        /** Globals and functions named by the body other than as a direct callee. */
        final Set<String> refs = new LinkedHashSet<>();

        Function(String name, String returnType, List<String> paramTypes, List<String> paramNames, boolean varargs,
                 boolean defined, int line) {
            this.name = name;
            this.returnType = returnType;
            this.paramTypes = paramTypes;
            this.paramNames = paramNames;
            this.varargs = varargs;
            this.defined = defined;
            this.line = line;
        }

        String signature() {
            return signature(paramTypes, varargs);
        }

        static String signature(List<String> types, boolean varargs) {
            StringBuilder sb = new StringBuilder();
            for (String t : types) {
                if (!sb.isEmpty()) {
                    sb.append(',');
                }
                sb.append(IrText.typeClass(t));
            }
            return varargs ? sb.append(sb.isEmpty() ? "..." : ",...").toString() : sb.toString();
        }

        /** Index of the parameter named {@code local} ({@code %0}, {@code %nr}), or -1. */
        int paramIndex(String local) {
            return paramNames.indexOf(local);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** A global variable: the functions and globals its initialiser names, and its initialiser text. */
    record Global(String name, List<String> refs, String type, String initializer, boolean constant) {
    }

    final Map<String, Function> functions = new LinkedHashMap<>();
    final Map<String, Global> globals = new LinkedHashMap<>();
    final Map<String, String> aliases = new HashMap<>();
    final StringBuilder moduleAsm = new StringBuilder();
    final List<String> constructors = new ArrayList<>();
    final List<String> destructors = new ArrayList<>();
    /** Named type definitions: {@code struct.ctx} to its body ({@code { i32, i32, ptr }}). */
    final Map<String, String> types = new HashMap<>();
    /**
     * Globals and functions by the ELF section they are placed in ({@code section "X"}): the
     * linker defines {@code __start_X} and {@code __stop_X} around them, so code that names
     * those symbols can reach every member (haproxy's INITCALLs, registration tables).
     */
    final Map<String, List<String>> sections = new HashMap<>();
    /** Metadata nodes that type-based alias analysis uses ({@code !4} to {@code !{!5, !6, i64 0}}). */
    final Map<String, String> metadata = new HashMap<>();
    long lines;
    long instructions;

    /** The function {@code name} denotes, through aliases; null when it names none. */
    Function function(String name) {
        String n = resolve(name);
        return functions.get(n);
    }

    /** Follows aliases to the aliased symbol's name. */
    String resolve(String name) {
        String n = name;
        for (int i = 0; i < 16 && aliases.containsKey(n); i++) {
            n = aliases.get(n);
        }
        return n;
    }

    Global global(String name) {
        return globals.get(resolve(name));
    }
}
