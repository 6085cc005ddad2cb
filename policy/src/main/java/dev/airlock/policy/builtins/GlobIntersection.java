package dev.airlock.policy.builtins;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides whether two "regex globs" can match a common string, for {@code regex.globs_match}.
 * A glob is a sequence of tokens (a literal, {@code .}, or a {@code [...]} class, each possibly
 * escaped) with an optional {@code *}, {@code +} or {@code ?}. Each glob is an NFA over token
 * positions; the languages intersect when the product automaton reaches both accept states.
 * The search visits at most (n+1)*(m+1) state pairs.
 */
final class GlobIntersection {
    private GlobIntersection() {}

    /** A set of code points: ranges, possibly negated; {@code any} for "." */
    private record CharSet(List<int[]> ranges, boolean negated) {
        boolean contains(int cp) {
            boolean in = false;
            for (int[] r : ranges) {
                if (cp >= r[0] && cp <= r[1]) {
                    in = true;
                    break;
                }
            }
            return in != negated;
        }

        /** Interval boundaries where membership may change. */
        void boundaries(Set<Integer> out) {
            for (int[] r : ranges) {
                out.add(r[0]);
                if (r[1] < Character.MAX_CODE_POINT) out.add(r[1] + 1);
            }
        }
    }

    private enum Rep { ONE, STAR, PLUS, OPT }

    private record Token(CharSet chars, Rep rep) {}

    static boolean intersects(String a, String b) throws BuiltinException {
        List<Token> x = parse(a);
        List<Token> y = parse(b);
        Deque<int[]> queue = new ArrayDeque<>();
        BitSet seen = new BitSet();
        int width = y.size() + 1;
        for (int i : closure(x, 0)) {
            for (int j : closure(y, 0)) push(queue, seen, width, i, j);
        }
        while (!queue.isEmpty()) {
            int[] st = queue.poll();
            int i = st[0];
            int j = st[1];
            if (i == x.size() && j == y.size()) return true;
            if (i == x.size() || j == y.size()) continue;
            if (!overlap(x.get(i).chars(), y.get(j).chars())) continue;
            for (int ni : step(x, i)) {
                for (int nj : step(y, j)) {
                    for (int ci : closure(x, ni)) {
                        for (int cj : closure(y, nj)) push(queue, seen, width, ci, cj);
                    }
                }
            }
        }
        return false;
    }

    private static void push(Deque<int[]> q, BitSet seen, int width, int i, int j) {
        int key = i * width + j;
        if (!seen.get(key)) {
            seen.set(key);
            q.add(new int[] {i, j});
        }
    }

    /** Positions reachable without consuming input: skipping optional tokens. */
    private static List<Integer> closure(List<Token> t, int i) {
        List<Integer> out = new ArrayList<>();
        out.add(i);
        while (i < t.size() && (t.get(i).rep() == Rep.STAR || t.get(i).rep() == Rep.OPT)) {
            i++;
            out.add(i);
        }
        return out;
    }

    /** Positions after consuming one character with token i. */
    private static List<Integer> step(List<Token> t, int i) {
        return switch (t.get(i).rep()) {
            case ONE, OPT -> List.of(i + 1);
            case STAR, PLUS -> List.of(i, i + 1);
        };
    }

    /** Whether some code point is in both sets: test each boundary of either set. */
    private static boolean overlap(CharSet a, CharSet b) {
        Set<Integer> points = new HashSet<>();
        points.add(0);
        a.boundaries(points);
        b.boundaries(points);
        for (int p : points) {
            if (a.contains(p) && b.contains(p)) return true;
        }
        return false;
    }

    private static BuiltinException invalid(String input, int pos, String what) {
        return BuiltinException.error("input:" + input + ", pos:" + pos + ", " + what + ": the input provided is invalid");
    }

    private static List<Token> parse(String s) throws BuiltinException {
        List<Token> out = new ArrayList<>();
        int[] cps = s.codePoints().toArray();
        int i = 0;
        while (i < cps.length) {
            int c = cps[i];
            CharSet set;
            switch (c) {
                case '.' -> {
                    set = new CharSet(List.of(), true);
                    i++;
                }
                case '\\' -> {
                    if (i + 1 >= cps.length) throw invalid(s, i + 1, "escape '\\' at end of input");
                    set = new CharSet(List.<int[]>of(new int[] {cps[i + 1], cps[i + 1]}), false);
                    i += 2;
                }
                case '[' -> {
                    int j = i + 1;
                    boolean negated = j < cps.length && cps[j] == '^';
                    if (negated) j++;
                    List<int[]> ranges = new ArrayList<>();
                    boolean closed = false;
                    while (j < cps.length) {
                        int ch = cps[j];
                        if (ch == ']') {
                            closed = true;
                            break;
                        }
                        if (ch == '\\' && j + 1 < cps.length) {
                            ch = cps[++j];
                        }
                        if (j + 2 < cps.length && cps[j + 1] == '-' && cps[j + 2] != ']') {
                            int hi = cps[j + 2];
                            if (hi < ch) throw invalid(s, j + 3, "range '" + new String(Character.toChars(ch)) + "-"
                                    + new String(Character.toChars(hi)) + "' is out of order");
                            ranges.add(new int[] {ch, hi});
                            j += 3;
                        } else {
                            ranges.add(new int[] {ch, ch});
                            j++;
                        }
                    }
                    if (!closed) throw invalid(s, i + 1, "set-open '[' with no closing ']'");
                    set = new CharSet(ranges, negated);
                    i = j + 1;
                }
                case ']' -> throw invalid(s, i + 1, "set-close ']' with no preceding '['");
                case '*', '+', '?' -> throw invalid(s, i + 1, "quantifier '" + (char) c + "' with nothing to repeat");
                default -> {
                    set = new CharSet(List.<int[]>of(new int[] {c, c}), false);
                    i++;
                }
            }
            Rep rep = Rep.ONE;
            if (i < cps.length) {
                switch (cps[i]) {
                    case '*' -> rep = Rep.STAR;
                    case '+' -> rep = Rep.PLUS;
                    case '?' -> rep = Rep.OPT;
                    default -> rep = Rep.ONE;
                }
                if (rep != Rep.ONE) i++;
            }
            out.add(new Token(set, rep));
        }
        return out;
    }
}
