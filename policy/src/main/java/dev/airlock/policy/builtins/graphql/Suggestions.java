package dev.airlock.policy.builtins.graphql;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The "Did you mean ...?" hints of gqlparser's messages (graphql-js's suggestionList): options
 * within a typo's distance of what was written, nearest first.
 */
final class Suggestions {
    private Suggestions() {}

    /** The options close to {@code input}: edit distance at most 40% of its length, plus one. */
    static List<String> closest(String input, List<String> options) {
        int threshold = (int) Math.floor(input.length() * 0.4) + 1;
        Map<String, Integer> found = new LinkedHashMap<>();
        for (String o : options) {
            int d = distance(input, o);
            if (d <= threshold) found.putIfAbsent(o, d);
        }
        List<String> out = new ArrayList<>(found.keySet());
        out.sort(Comparator.<String>comparingInt(found::get).thenComparing(Comparator.naturalOrder()));
        return out;
    }

    /** {@code " Did you mean "a", "b", or "c"?"} (at most five), or "" without suggestions. */
    static String hint(String prefix, String input, List<String> options) {
        return quotedOr(prefix, closest(input, options));
    }

    static String quotedOr(String prefix, List<String> items) {
        if (items.isEmpty()) return "";
        List<String> q = new ArrayList<>();
        for (String s : items.subList(0, Math.min(5, items.size()))) q.add("\"" + s + "\"");
        String list = q.size() == 1 ? q.getFirst()
                : q.size() == 2 ? q.get(0) + " or " + q.get(1)
                : String.join(", ", q.subList(0, q.size() - 1)) + ", or " + q.getLast();
        return " " + prefix + " " + list + "?";
    }

    /**
     * Damerau-Levenshtein (optimal string alignment) distance between the lower-cased strings,
     * where a change of case alone counts as one edit.
     */
    static int distance(String a, String b) {
        if (a.equals(b)) return 0;
        String x = a.toLowerCase(Locale.ROOT);
        String y = b.toLowerCase(Locale.ROOT);
        if (x.equals(y)) return 1;
        int[][] d = new int[x.length() + 1][y.length() + 1];
        for (int i = 0; i <= x.length(); i++) d[i][0] = i;
        for (int j = 0; j <= y.length(); j++) d[0][j] = j;
        for (int i = 1; i <= x.length(); i++) {
            for (int j = 1; j <= y.length(); j++) {
                int cost = x.charAt(i - 1) == y.charAt(j - 1) ? 0 : 1;
                int best = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && x.charAt(i - 1) == y.charAt(j - 2) && x.charAt(i - 2) == y.charAt(j - 1)) {
                    best = Math.min(best, d[i - 2][j - 2] + 1);
                }
                d[i][j] = best;
            }
        }
        return d[x.length()][y.length()];
    }
}
