package dev.shimscope.cli;

import java.util.regex.Pattern;

/** Quoting for commands the tool prints for the user to paste into a POSIX shell. */
final class Shell {

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_./:=@%+,-]+");

    private Shell() {
    }

    /** The word as the shell must see it: unchanged if plain, else in single quotes. */
    static String quote(String word) {
        if (!word.isEmpty() && PLAIN.matcher(word).matches()) {
            return word;
        }
        return "'" + word.replace("'", "'\\''") + "'";
    }
}
