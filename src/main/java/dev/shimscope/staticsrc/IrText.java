package dev.shimscope.staticsrc;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Lexical helpers for LLVM's textual IR: splitting at top-level commas and blanks (outside
 * brackets, braces, parentheses, angle brackets and quoted strings), reading {@code @global} and
 * {@code %local} names, and unquoting names and strings. Only what {@link IrParser} and
 * {@link ValueFlow} need; not a general IR grammar.
 */
final class IrText {

    private IrText() {
    }

    /** Splits {@code s} at {@code sep} where the nesting depth is zero; items are trimmed, empty ones dropped. */
    static List<String> splitTop(String s, char sep) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int start = 0;
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted) {
                if (c == '"') {
                    quoted = false;
                }
                continue;
            }
            switch (c) {
                case '"' -> quoted = true;
                case '(', '[', '{', '<' -> depth++;
                case ')', ']', '}', '>' -> depth--;
                default -> {
                    if (c == sep && depth == 0) {
                        add(out, s.substring(start, i));
                        start = i + 1;
                    }
                }
            }
        }
        add(out, s.substring(start));
        return out;
    }

    /** Whitespace-separated tokens at depth zero: {@code (ptr, ...)} or {@code { i64, i64 }} stay one token. */
    static List<String> tokens(String s) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        int start = -1;
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted) {
                if (c == '"') {
                    quoted = false;
                }
                continue;
            }
            if (depth == 0 && Character.isWhitespace(c)) {
                if (start >= 0) {
                    out.add(s.substring(start, i));
                    start = -1;
                }
                continue;
            }
            if (start < 0) {
                start = i;
            }
            switch (c) {
                case '"' -> quoted = true;
                case '(', '[', '{', '<' -> depth++;
                case ')', ']', '}', '>' -> depth--;
                default -> {
                }
            }
        }
        if (start >= 0) {
            out.add(s.substring(start));
        }
        return out;
    }

    private static void add(List<String> out, String item) {
        String t = item.trim();
        if (!t.isEmpty()) {
            out.add(t);
        }
    }

    /** Index of the bracket closing the one at {@code open}, or -1. */
    static int closing(String s, int open) {
        int depth = 0;
        boolean quoted = false;
        for (int i = open; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted) {
                if (c == '"') {
                    quoted = false;
                }
                continue;
            }
            switch (c) {
                case '"' -> quoted = true;
                case '(', '[', '{', '<' -> depth++;
                case ')', ']', '}', '>' -> {
                    if (--depth == 0) {
                        return i;
                    }
                }
                default -> {
                }
            }
        }
        return -1;
    }

    /** End (exclusive) of the name starting at {@code at}, where {@code s.charAt(at)} is '@' or '%'. */
    static int nameEnd(String s, int at) {
        int i = at + 1;
        if (i < s.length() && s.charAt(i) == '"') {
            int q = s.indexOf('"', i + 1);
            return q < 0 ? s.length() : q + 1;
        }
        while (i < s.length() && isNameChar(s.charAt(i))) {
            i++;
        }
        return i;
    }

    static boolean isNameChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '$' || c == '-';
    }

    /** The name without its sigil and quotes: {@code @"a b"} gives {@code a b}, {@code %5} gives {@code 5}. */
    static String bare(String sigilled) {
        String n = sigilled.substring(1);
        return n.startsWith("\"") && n.endsWith("\"") && n.length() >= 2 ? unescape(n.substring(1, n.length() - 1)) : n;
    }

    /** Every {@code @name} in {@code s} outside quoted strings, without its sigil. */
    static void globalRefs(String s, Consumer<String> sink) {
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted) {
                if (c == '"') {
                    quoted = false;
                }
                continue;
            }
            if (c == '"') {
                // c"..." strings and metadata strings hold no references
                quoted = true;
            } else if (c == '@' && i + 1 < s.length()) {
                int end = nameEnd(s, i);
                if (end > i + 1) {
                    sink.accept(bare(s.substring(i, end)));
                }
                i = end - 1;
            } else if (c == '!' && i + 1 < s.length() && s.charAt(i + 1) == '"') {
                i++;
                quoted = true;
            }
        }
    }

    /** LLVM's string escapes ({@code \0A}, {@code \\}) decoded; other characters as they are. */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 2 < s.length() && isHex(s.charAt(i + 1)) && isHex(s.charAt(i + 2))) {
                sb.append((char) Integer.parseInt(s.substring(i + 1, i + 3), 16));
                i += 2;
            } else if (c == '\\' && i + 1 < s.length() && s.charAt(i + 1) == '\\') {
                sb.append('\\');
                i++;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }

    /** The quoted strings of {@code s} in order, unescaped. */
    static List<String> quotedStrings(String s) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while ((i = s.indexOf('"', i)) >= 0) {
            int j = s.indexOf('"', i + 1);
            if (j < 0) {
                break;
            }
            out.add(unescape(s.substring(i + 1, j)));
            i = j + 1;
        }
        return out;
    }

    /**
     * The class of an IR type for signature matching: {@code P} pointer, {@code I} any integer,
     * {@code F} any floating-point type, {@code A} anything else (aggregates, vectors).
     */
    static char typeClass(String type) {
        if (type.equals("ptr") || type.endsWith("*")) {
            return 'P';
        }
        if (type.length() > 1 && type.charAt(0) == 'i' && Character.isDigit(type.charAt(1))) {
            return 'I';
        }
        return switch (type) {
            case "half", "bfloat", "float", "double", "x86_fp80", "fp128", "ppc_fp128" -> 'F';
            default -> 'A';
        };
    }
}
