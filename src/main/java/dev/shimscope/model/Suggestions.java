package dev.shimscope.model;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** "Did you mean ...?" for a mistyped name: the known names at the smallest edit distance (at most 2). */
public final class Suggestions {

    private Suggestions() {
    }

    /** The closest names (edit distance at most 2, or 1 for names of 4 characters or fewer), sorted. */
    public static List<String> closest(String wrong, Collection<String> known) {
        int limit = wrong.length() <= 4 ? 1 : 2;
        int best = Integer.MAX_VALUE;
        List<String> out = new ArrayList<>();
        for (String k : known) {
            int d = distance(wrong, k);
            if (d > limit || d > best) {
                continue;
            }
            if (d < best) {
                best = d;
                out.clear();
            }
            out.add(k);
        }
        out.sort(null);
        return out;
    }

    /** {@code " (did you mean a or b?)"}, or empty when nothing is close. */
    public static String hint(String wrong, Collection<String> known) {
        List<String> c = closest(wrong, known);
        if (c.isEmpty()) {
            return "";
        }
        if (c.size() > 4) {
            c = c.subList(0, 4);
        }
        return " (did you mean " + String.join(" or ", c) + "?)";
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int subst = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(subst, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
