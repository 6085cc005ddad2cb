package dev.airlock.policy.builtins;

import static dev.airlock.policy.builtins.Operands.string;
import static dev.airlock.policy.types.Types.B;
import static dev.airlock.policy.types.Types.NULL;
import static dev.airlock.policy.types.Types.S;
import static dev.airlock.policy.types.Types.anyOf;
import static dev.airlock.policy.types.Types.args;
import static dev.airlock.policy.types.Types.arrayOf;
import static dev.airlock.policy.types.Types.func;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.google.re2j.Pattern;
import dev.airlock.policy.value.ArrayValue;
import dev.airlock.policy.value.BoolValue;
import dev.airlock.policy.value.NullValue;
import dev.airlock.policy.value.StringValue;
import dev.airlock.policy.value.Value;
import java.util.ArrayList;
import java.util.List;

/**
 * Globs as in gobwas/glob: {@code *} (within separators), {@code **} (across them), {@code ?},
 * {@code [abc]}, {@code [a-z]}, {@code [!...]}, {@code {a,b}} and {@code \} escapes. Our glob
 * compiler translates a glob into an anchored RE2 pattern, so matching is linear-time and the
 * compiled form is cached with the regexes.
 */
public final class GlobBuiltins {
    private GlobBuiltins() {}

    private static final String SPECIAL = "*?\\[]{}";

    public static List<Builtin> declarations() {
        return List.of(
                Builtin.of("glob.match", func(args(S, anyOf(arrayOf(S), NULL), S), B),
                        "Whether match matches the glob; delimiters ([] means [\".\"], null means none) bound * and ?",
                        (ctx, a) -> {
                            String glob = string(a, 1);
                            List<String> delims = delimiters(a.get(1));
                            String value = string(a, 3);
                            return BoolValue.of(matcher(glob, delims).matches(value));
                        }),
                Builtin.of("glob.quote_meta", func(args(S), S), "Escapes the glob metacharacters in a string",
                        (ctx, a) -> {
                            StringBuilder sb = new StringBuilder();
                            for (char c : string(a, 1).toCharArray()) {
                                if (SPECIAL.indexOf(c) >= 0) sb.append('\\');
                                sb.append(c);
                            }
                            return StringValue.of(sb.toString());
                        }));
    }

    private static final StringValue DOT = StringValue.of(".");
    private static final List<String> DOT_ONLY = List.of(".");

    private static List<String> delimiters(Value v) throws BuiltinException {
        if (v instanceof NullValue) return List.of();
        if (!(v instanceof ArrayValue arr)) throw Operands.typeError(2, v, "array", "null");
        if (arr.size() == 0 || arr.size() == 1 && DOT.equals(arr.get(0))) return DOT_ONLY;
        List<String> out = new ArrayList<>();
        for (Value d : arr.elements()) {
            if (!(d instanceof StringValue s)) throw Operands.elementError(2, v, d, "string");
            out.add(s.value());
        }
        return out;
    }

    /** Most compiled globs kept; policies match the same few patterns on every decision. */
    static final int MAX_CACHED_GLOBS = 1_000;

    private static final Cache<String, GlobMatcher> GLOBS = Caffeine.newBuilder().maximumSize(MAX_CACHED_GLOBS).build();

    /**
     * A compiled glob: its literal prefix and suffix (the text before its first and after its
     * last metacharacter) reject most values without running the regex; a glob without
     * metacharacters is a plain string comparison.
     */
    record GlobMatcher(String prefix, String suffix, Pattern regex) {
        boolean matches(String value) {
            if (regex == null) return value.equals(prefix);
            if (value.length() < prefix.length() + suffix.length()) return false;
            if (!value.startsWith(prefix) || !value.endsWith(suffix)) return false;
            return regex.matcher(value).matches();
        }
    }

    static GlobMatcher matcher(String glob, List<String> delims) throws BuiltinException {
        String key = delims.size() == 1 && delims.getFirst().equals(".") ? glob
                : glob + '\u0000' + String.join("\u0001", delims);
        GlobMatcher m = GLOBS.getIfPresent(key);
        if (m != null) return m;
        int first = -1;
        int last = -1;
        for (int i = 0; i < glob.length(); i++) {
            if (SPECIAL.indexOf(glob.charAt(i)) >= 0) {
                if (first < 0) first = i;
                last = i;
            }
        }
        m = first < 0 ? new GlobMatcher(glob, "", null)
                : new GlobMatcher(glob.substring(0, first), glob.substring(last + 1),
                        PatternCache.compile(toRegex(glob, delims)));
        GLOBS.put(key, m);
        return m;
    }

    /** Translates a glob to an anchored RE2 pattern. */
    static String toRegex(String glob, List<String> delimiters) throws BuiltinException {
        StringBuilder notSep = new StringBuilder("[^");
        for (String d : delimiters) {
            for (int cp : d.codePoints().toArray()) notSep.append(Pattern.quote(new String(Character.toChars(cp))));
        }
        String single = delimiters.isEmpty() ? "(?s:.)" : notSep.append("]").toString();
        StringBuilder re = new StringBuilder("^");
        int[] pos = {0};
        compile(glob, pos, re, single, false);
        if (pos[0] < glob.length()) throw BuiltinException.error("unexpected " + glob.charAt(pos[0]) + " in glob " + Operands.quote(glob));
        return re.append('$').toString();
    }

    private static void compile(String g, int[] pos, StringBuilder re, String single, boolean inTerms) throws BuiltinException {
        while (pos[0] < g.length()) {
            char c = g.charAt(pos[0]);
            if (inTerms && (c == ',' || c == '}')) return;
            pos[0]++;
            switch (c) {
                case '*' -> {
                    if (pos[0] < g.length() && g.charAt(pos[0]) == '*') {
                        pos[0]++;
                        re.append("(?s:.)*");
                    } else {
                        re.append(single).append('*');
                    }
                }
                case '?' -> re.append(single);
                case '\\' -> {
                    if (pos[0] >= g.length()) throw BuiltinException.error("unexpected end of glob after escape");
                    int cp = g.codePointAt(pos[0]);
                    pos[0] += Character.charCount(cp);
                    re.append(Pattern.quote(new String(Character.toChars(cp))));
                }
                case '[' -> {
                    int close = g.indexOf(']', pos[0]);
                    if (close < 0) throw BuiltinException.error("unclosed character class in glob " + Operands.quote(g));
                    String body = g.substring(pos[0], close);
                    pos[0] = close + 1;
                    boolean negate = body.startsWith("!");
                    if (negate) body = body.substring(1);
                    re.append(negate ? "[^" : "[");
                    for (int i = 0; i < body.length(); i++) {
                        char b = body.charAt(i);
                        if (b == '-' && i > 0 && i < body.length() - 1) re.append('-');
                        else re.append(escapeClassChar(b));
                    }
                    re.append(']');
                }
                case '{' -> {
                    re.append("(?:");
                    while (true) {
                        compile(g, pos, re, single, true);
                        if (pos[0] >= g.length()) throw BuiltinException.error("unclosed {} alternatives in glob " + Operands.quote(g));
                        char sep = g.charAt(pos[0]++);
                        if (sep == '}') break;
                        re.append('|');
                    }
                    re.append(')');
                }
                default -> {
                    if (Character.isHighSurrogate(c) && pos[0] < g.length()) {
                        re.append(Pattern.quote(new String(new char[] {c, g.charAt(pos[0]++)})));
                    } else {
                        re.append(Pattern.quote(String.valueOf(c)));
                    }
                }
            }
        }
    }

    private static String escapeClassChar(char c) {
        if (Character.isLetterOrDigit(c) || c > 0x7f || c == ' ') return String.valueOf(c);
        return c < 0x20 ? String.format("\\x{%x}", (int) c) : "\\" + c;
    }
}
