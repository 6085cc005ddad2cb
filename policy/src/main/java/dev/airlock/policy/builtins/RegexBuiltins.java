package dev.airlock.policy.builtins;

import static dev.airlock.policy.builtins.Operands.string;
import static dev.airlock.policy.types.Types.A;
import static dev.airlock.policy.types.Types.B;
import static dev.airlock.policy.types.Types.N;
import static dev.airlock.policy.types.Types.S;
import static dev.airlock.policy.types.Types.args;
import static dev.airlock.policy.types.Types.arrayOf;
import static dev.airlock.policy.types.Types.func;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import dev.airlock.policy.value.ArrayValue;
import dev.airlock.policy.value.BoolValue;
import dev.airlock.policy.value.StringValue;
import dev.airlock.policy.value.Value;
import java.util.ArrayList;
import java.util.List;

/** Regular expressions with RE2 syntax and Go's regexp semantics (linear-time matching via re2j). */
public final class RegexBuiltins {
    private RegexBuiltins() {}

    public static List<Builtin> declarations() {
        return List.of(
                Builtin.of("regex.match", func(args(S, S), B), "Whether the pattern matches anywhere in value",
                        (ctx, a) -> BoolValue.of(PatternCache.compile(string(a, 1)).matcher(string(a, 2)).find())),
                Builtin.of("regex.is_valid", func(args(A), B), "Whether a string is a valid RE2 pattern (false for non-strings)",
                        (ctx, a) -> {
                            if (!(a.get(0) instanceof StringValue s)) return BoolValue.FALSE;
                            try {
                                PatternCache.compile(s.value());
                                return BoolValue.TRUE;
                            } catch (BuiltinException e) {
                                return BoolValue.FALSE;
                            }
                        }),
                Builtin.of("regex.split", func(args(S, S), arrayOf(S)), "Splits value around the pattern's matches",
                        (ctx, a) -> split(PatternCache.compile(string(a, 1)), string(a, 2))),
                Builtin.of("regex.find_n", func(args(S, S, N), arrayOf(S)),
                        "Up to n matches of the pattern (all when n is -1)",
                        (ctx, a) -> {
                            Pattern p = PatternCache.compile(string(a, 1));
                            String s = string(a, 2);
                            List<Value> out = new ArrayList<>();
                            for (int[] m : findAll(p, s, Operands.intValue(a, 3))) out.add(StringValue.of(s.substring(m[0], m[1])));
                            return new ArrayValue(out);
                        }),
                Builtin.of("regex.find_all_string_submatch_n", func(args(S, S, N), arrayOf(arrayOf(S))),
                        "Up to n matches, each with its submatches (all when n is -1)",
                        (ctx, a) -> {
                            Pattern p = PatternCache.compile(string(a, 1));
                            String s = string(a, 2);
                            List<Value> out = new ArrayList<>();
                            for (int[] m : findAll(p, s, Operands.intValue(a, 3))) {
                                List<Value> groups = new ArrayList<>();
                                for (int g = 0; g < m.length; g += 2) {
                                    groups.add(StringValue.of(m[g] < 0 ? "" : s.substring(m[g], m[g + 1])));
                                }
                                out.add(new ArrayValue(groups));
                            }
                            return new ArrayValue(out);
                        }),
                Builtin.of("regex.replace", func(args(S, S, S), S),
                        "Replaces every match of pattern in s; $1, ${name} expand submatches as in Go",
                        (ctx, a) -> replace(string(a, 1), PatternCache.compile(string(a, 2)), string(a, 3))),
                Builtin.of("regex.template_match", func(args(S, S, S, S), B),
                        "Matches value against a template whose delimited parts are regular expressions",
                        (ctx, a) -> {
                            String regex = templateRegex(string(a, 1), string(a, 3), string(a, 4));
                            return BoolValue.of(PatternCache.compile(regex).matcher(string(a, 2)).find());
                        }),
                Builtin.of("regex.globs_match", func(args(S, S), B),
                        "Whether two regex-globs (literals, ., classes, *, +, ?) can match a common string",
                        (ctx, a) -> BoolValue.of(GlobIntersection.intersects(string(a, 1), string(a, 2)))));
    }

    /**
     * Go's FindAll: successive leftmost-first matches; an empty match right after the previous
     * match is skipped. Each result holds start/end offsets of the match and of every group.
     */
    static List<int[]> findAll(Pattern p, String s, int n) {
        List<int[]> out = new ArrayList<>();
        if (n == 0) return out;
        Matcher m = p.matcher(s);
        int pos = 0;
        int prevEnd = -1;
        while (pos <= s.length() && (n < 0 || out.size() < n)) {
            if (!m.find(pos)) break;
            int start = m.start();
            int end = m.end();
            if (start == end && start == prevEnd) {
                if (pos >= s.length()) break;
                pos += Character.charCount(s.codePointAt(pos));
                continue;
            }
            int[] groups = new int[2 * (m.groupCount() + 1)];
            for (int g = 0; g <= m.groupCount(); g++) {
                groups[2 * g] = m.start(g);
                groups[2 * g + 1] = m.end(g);
            }
            out.add(groups);
            prevEnd = end;
            if (end > pos) {
                pos = end;
            } else {
                if (pos >= s.length()) break;
                pos += Character.charCount(s.codePointAt(pos));
            }
        }
        return out;
    }

    private static Value split(Pattern p, String s) {
        List<Value> out = new ArrayList<>();
        if (s.isEmpty()) {
            out.add(StringValue.EMPTY);
            return new ArrayValue(out);
        }
        int beg = 0;
        int end = 0;
        for (int[] m : findAll(p, s, -1)) {
            end = m[0];
            if (m[1] != 0) out.add(StringValue.of(s.substring(beg, end)));
            beg = m[1];
        }
        if (end != s.length()) out.add(StringValue.of(s.substring(beg)));
        return new ArrayValue(out);
    }

    private static Value replace(String s, Pattern p, String repl) {
        StringBuilder sb = new StringBuilder();
        int last = 0;
        for (int[] m : findAll(p, s, -1)) {
            sb.append(s, last, m[0]);
            expand(sb, repl, s, m, p);
            last = m[1];
        }
        sb.append(s.substring(last));
        return StringValue.of(sb.toString());
    }

    /** Go's Regexp.Expand: $n, ${n}, $name, ${name}; $$ is a dollar; unknown groups expand to "". */
    private static void expand(StringBuilder sb, String template, String s, int[] m, Pattern p) {
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c != '$' || i + 1 >= template.length()) {
                sb.append(c);
                i++;
                continue;
            }
            char next = template.charAt(i + 1);
            if (next == '$') {
                sb.append('$');
                i += 2;
                continue;
            }
            String name;
            int after;
            if (next == '{') {
                int close = template.indexOf('}', i + 2);
                if (close < 0) {
                    sb.append(c);
                    i++;
                    continue;
                }
                name = template.substring(i + 2, close);
                after = close + 1;
            } else {
                int j = i + 1;
                while (j < template.length() && (Character.isLetterOrDigit(template.charAt(j)) || template.charAt(j) == '_')) j++;
                name = template.substring(i + 1, j);
                after = j;
            }
            if (name.isEmpty()) {
                sb.append(c);
                i++;
                continue;
            }
            int group = -1;
            if (name.chars().allMatch(Character::isDigit)) {
                try {
                    group = Integer.parseInt(name);
                } catch (NumberFormatException e) {
                    group = -1;
                }
            } else {
                Integer named = p.namedGroups().get(name);
                if (named != null) group = named;
            }
            if (group >= 0 && 2 * group + 1 < m.length && m[2 * group] >= 0) sb.append(s, m[2 * group], m[2 * group + 1]);
            i = after;
        }
    }

    /** An anchored RE2 pattern for a template such as {@code urn:foo:{.*}}: literal text outside the delimiters. */
    static String templateRegex(String template, String open, String close) throws BuiltinException {
        if (open.isEmpty() || close.isEmpty()) throw BuiltinException.error("delimiters must not be empty");
        StringBuilder re = new StringBuilder("^");
        int i = 0;
        while (i < template.length()) {
            int start = template.indexOf(open, i);
            if (start < 0) {
                re.append(Pattern.quote(template.substring(i)));
                break;
            }
            re.append(Pattern.quote(template.substring(i, start)));
            int level = 1;
            int j = start + open.length();
            int inner = j;
            while (j < template.length() && level > 0) {
                if (template.startsWith(open, j)) {
                    level++;
                    j += open.length();
                } else if (template.startsWith(close, j)) {
                    level--;
                    if (level == 0) break;
                    j += close.length();
                } else {
                    j++;
                }
            }
            if (level != 0) throw BuiltinException.error("unbalanced braces in template " + Operands.quote(template));
            re.append('(').append(template, inner, j).append(')');
            i = j + close.length();
        }
        return re.append('$').toString();
    }
}
