package dev.airlock.policy.builtins;

import static dev.airlock.policy.builtins.Operands.arg;
import static dev.airlock.policy.builtins.Operands.number;
import static dev.airlock.policy.builtins.Operands.string;
import static dev.airlock.policy.types.Types.A;
import static dev.airlock.policy.types.Types.B;
import static dev.airlock.policy.types.Types.N;
import static dev.airlock.policy.types.Types.S;
import static dev.airlock.policy.types.Types.anyOf;
import static dev.airlock.policy.types.Types.args;
import static dev.airlock.policy.types.Types.arrayOf;
import static dev.airlock.policy.types.Types.func;
import static dev.airlock.policy.types.Types.objectOf;
import static dev.airlock.policy.types.Types.setOf;

import dev.airlock.policy.types.Type;
import dev.airlock.policy.value.ArrayValue;
import dev.airlock.policy.value.BoolValue;
import dev.airlock.policy.value.NumberValue;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.SetValue;
import dev.airlock.policy.value.StringValue;
import dev.airlock.policy.value.Value;
import dev.airlock.policy.value.Values;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;

/** Strings, with Go's semantics: indexes and lengths count code points (runes), not UTF-16 units. */
public final class StringBuiltins {
    private StringBuiltins() {}

    private static final Type STRINGS = anyOf(arrayOf(S), setOf(S));
    private static final Type STRING_OR_STRINGS = anyOf(S, arrayOf(S), setOf(S));

    public static List<Builtin> declarations() {
        return List.of(
                Builtin.of("concat", func(args(S, STRINGS), S), "Joins an array or set of strings with a delimiter",
                        (ctx, a) -> {
                            String delim = string(a, 1);
                            return StringValue.of(String.join(delim, Operands.stringsOf(a, 2)));
                        }),
                Builtin.of("contains", func(args(S, S), B), "Whether haystack contains needle",
                        (ctx, a) -> BoolValue.of(string(a, 1).contains(string(a, 2)))),
                Builtin.of("startswith", func(args(S, S), B), "Whether search starts with base",
                        (ctx, a) -> BoolValue.of(string(a, 1).startsWith(string(a, 2)))),
                Builtin.of("endswith", func(args(S, S), B), "Whether search ends with base",
                        (ctx, a) -> BoolValue.of(string(a, 1).endsWith(string(a, 2)))),
                Builtin.of("format_int", func(args(N, N), S), "The integer part of a number as text in base 2, 8, 10 or 16",
                        (ctx, a) -> formatInt(number(a, 1), number(a, 2))),
                Builtin.of("indexof", func(args(S, S), N), "The rune index of the first occurrence of needle, or -1",
                        (ctx, a) -> {
                            String base = string(a, 1);
                            String search = nonEmptySearch(a);
                            int i = base.indexOf(search);
                            return NumberValue.of(i < 0 ? -1 : base.codePointCount(0, i));
                        }),
                Builtin.of("indexof_n", func(args(S, S), arrayOf(N)), "The rune indexes of all occurrences of needle",
                        (ctx, a) -> {
                            String base = string(a, 1);
                            String search = nonEmptySearch(a);
                            List<Value> out = new ArrayList<>();
                            int runeIndex = 0;
                            for (int i = 0; i < base.length(); i += Character.charCount(base.codePointAt(i)), runeIndex++) {
                                if (base.startsWith(search, i)) out.add(NumberValue.of(runeIndex));
                            }
                            return new ArrayValue(out);
                        }),
                Builtin.of("lower", func(args(S), S), "The string in lower case",
                        (ctx, a) -> StringValue.of(mapRunes(string(a, 1), true))),
                Builtin.of("upper", func(args(S), S), "The string in upper case",
                        (ctx, a) -> StringValue.of(mapRunes(string(a, 1), false))),
                Builtin.of("replace", func(args(S, S, S), S), "Replaces every occurrence of old with new",
                        (ctx, a) -> {
                            String s = string(a, 1);
                            String old = string(a, 2);
                            String neu = string(a, 3);
                            return StringValue.of(replaceAll(s, List.of(old), List.of(neu)));
                        }),
                Builtin.of("strings.replace_n", func(args(objectOf(S, S), S), S),
                        "Replaces each key of patterns with its value, earlier keys (in sorted order) first",
                        (ctx, a) -> replaceN(a)),
                Builtin.of("split", func(args(S, S), arrayOf(S)), "Splits a string at each delimiter",
                        (ctx, a) -> {
                            List<Value> out = new ArrayList<>();
                            for (String p : split(string(a, 1), string(a, 2))) out.add(StringValue.of(p));
                            return new ArrayValue(out);
                        }),
                Builtin.of("sprintf", func(args(S, arrayOf(A)), S), "Formats values with Go's fmt verbs",
                        (ctx, a) -> sprintf(string(a, 1), Operands.array(a, 2))),
                Builtin.of("substring", func(args(S, N, N), S),
                        "length runes of value from offset; a negative length means the rest",
                        (ctx, a) -> substring(string(a, 1), Operands.integer(a, 2), Operands.integer(a, 3))),
                Builtin.of("trim", func(args(S, S), S), "Removes leading and trailing runes in cutset",
                        (ctx, a) -> StringValue.of(trimRight(trimLeft(string(a, 1), string(a, 2)), string(a, 2)))),
                Builtin.of("trim_left", func(args(S, S), S), "Removes leading runes in cutset",
                        (ctx, a) -> StringValue.of(trimLeft(string(a, 1), string(a, 2)))),
                Builtin.of("trim_right", func(args(S, S), S), "Removes trailing runes in cutset",
                        (ctx, a) -> StringValue.of(trimRight(string(a, 1), string(a, 2)))),
                Builtin.of("trim_prefix", func(args(S, S), S), "Removes a leading prefix",
                        (ctx, a) -> {
                            String s = string(a, 1);
                            String p = string(a, 2);
                            return StringValue.of(s.startsWith(p) ? s.substring(p.length()) : s);
                        }),
                Builtin.of("trim_suffix", func(args(S, S), S), "Removes a trailing suffix",
                        (ctx, a) -> {
                            String s = string(a, 1);
                            String p = string(a, 2);
                            return StringValue.of(s.endsWith(p) ? s.substring(0, s.length() - p.length()) : s);
                        }),
                Builtin.of("trim_space", func(args(S), S), "Removes leading and trailing white space",
                        (ctx, a) -> StringValue.of(trimSpace(string(a, 1)))),
                Builtin.of("strings.reverse", func(args(S), S), "The string with its runes in reverse order",
                        (ctx, a) -> StringValue.of(new StringBuilder(string(a, 1)).reverse().toString())),
                Builtin.of("strings.count", func(args(S, S), N), "The number of non-overlapping occurrences of substring",
                        (ctx, a) -> NumberValue.of(count(string(a, 1), string(a, 2)))),
                Builtin.of("strings.any_prefix_match", func(args(STRING_OR_STRINGS, STRING_OR_STRINGS), B),
                        "Whether any of the strings starts with any of the prefixes",
                        (ctx, a) -> anyMatch(a, String::startsWith)),
                Builtin.of("strings.any_suffix_match", func(args(STRING_OR_STRINGS, STRING_OR_STRINGS), B),
                        "Whether any of the strings ends with any of the suffixes",
                        (ctx, a) -> anyMatch(a, String::endsWith)),
                Builtin.of("strings.render_template", func(args(S, objectOf(S, A)), S),
                        "Renders a Go text/template with the given variables",
                        (ctx, a) -> StringValue.of(GoTemplate.render(string(a, 1), Operands.object(a, 2)))));
    }

    private static String nonEmptySearch(List<Value> a) throws BuiltinException {
        String search = string(a, 2);
        if (search.isEmpty()) throw BuiltinException.error("empty search character");
        return search;
    }

    private static Value formatInt(NumberValue n, NumberValue base) throws BuiltinException {
        Integer b = base.toIntExact();
        if (b == null || (b != 2 && b != 8 && b != 10 && b != 16)) {
            throw BuiltinException.type("operand 2 must be one of {2, 8, 10, 16}");
        }
        BigInteger i = n.value().setScale(0, RoundingMode.DOWN).toBigInteger();
        return StringValue.of(i.toString(b));
    }

    private static String mapRunes(String s, boolean lower) {
        StringBuilder sb = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> sb.appendCodePoint(lower ? Character.toLowerCase(cp) : Character.toUpperCase(cp)));
        return sb.toString();
    }

    /**
     * Go's strings.Replacer: at each position the first pattern (in argument order) that matches
     * is replaced; an empty pattern matches between every rune.
     */
    static String replaceAll(String s, List<String> olds, List<String> news) {
        StringBuilder sb = new StringBuilder(s.length());
        int i = 0;
        while (i <= s.length()) {
            boolean replaced = false;
            for (int k = 0; k < olds.size(); k++) {
                String old = olds.get(k);
                if (s.startsWith(old, i)) {
                    sb.append(news.get(k));
                    if (old.isEmpty()) {
                        break; // copy one rune below, then try again
                    }
                    i += old.length();
                    replaced = true;
                    break;
                }
            }
            if (replaced) continue;
            if (i == s.length()) break;
            int cp = s.codePointAt(i);
            sb.appendCodePoint(cp);
            i += Character.charCount(cp);
        }
        return sb.toString();
    }

    private static Value replaceN(List<Value> a) throws BuiltinException {
        ObjectValue patterns = Operands.object(a, 1);
        String s = string(a, 2);
        List<String> olds = new ArrayList<>();
        List<String> news = new ArrayList<>();
        for (Map.Entry<Value, Value> e : patterns.entries().entrySet()) {
            if (!(e.getKey() instanceof StringValue k)) throw Operands.operandError(1, "non-string key found in pattern object");
            if (!(e.getValue() instanceof StringValue v)) throw Operands.operandError(1, "non-string value found in pattern object");
            olds.add(k.value());
            news.add(v.value());
        }
        return StringValue.of(replaceAll(s, olds, news));
    }

    /** Go's strings.Split: an empty delimiter splits into runes. */
    static List<String> split(String s, String delim) {
        List<String> out = new ArrayList<>();
        if (delim.isEmpty()) {
            s.codePoints().forEach(cp -> out.add(new String(Character.toChars(cp))));
            return out;
        }
        int start = 0;
        for (int i = s.indexOf(delim); i >= 0; i = s.indexOf(delim, start)) {
            out.add(s.substring(start, i));
            start = i + delim.length();
        }
        out.add(s.substring(start));
        return out;
    }

    private static Value substring(String s, BigInteger start, BigInteger length) throws BuiltinException {
        if (start.signum() < 0) throw BuiltinException.error("negative offset");
        int runes = Operands.runeCount(s);
        if (start.compareTo(BigInteger.valueOf(runes)) >= 0) return StringValue.EMPTY;
        int from = s.offsetByCodePoints(0, start.intValue());
        if (length.signum() < 0 || start.add(length).compareTo(BigInteger.valueOf(runes)) >= 0) {
            return StringValue.of(s.substring(from));
        }
        return StringValue.of(s.substring(from, s.offsetByCodePoints(from, length.intValue())));
    }

    static String trimLeft(String s, String cutset) {
        int i = 0;
        while (i < s.length()) {
            int cp = s.codePointAt(i);
            if (cutset.indexOf(cp) < 0) break;
            i += Character.charCount(cp);
        }
        return s.substring(i);
    }

    static String trimRight(String s, String cutset) {
        int end = s.length();
        while (end > 0) {
            int cp = s.codePointBefore(end);
            if (cutset.indexOf(cp) < 0) break;
            end -= Character.charCount(cp);
        }
        return s.substring(0, end);
    }

    /** Go's unicode.IsSpace. */
    static boolean isSpace(int cp) {
        return switch (cp) {
            case '\t', '\n', 0x0b, '\f', '\r', ' ', 0x85, 0xA0 -> true;
            default -> cp > 0xff && Character.isSpaceChar(cp);
        };
    }

    static String trimSpace(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isSpace(s.codePointAt(start))) start += Character.charCount(s.codePointAt(start));
        while (end > start && isSpace(s.codePointBefore(end))) end -= Character.charCount(s.codePointBefore(end));
        return s.substring(start, end);
    }

    /** Go's strings.Count: with an empty substring, the rune count plus one. */
    private static int count(String s, String sub) {
        if (sub.isEmpty()) return Operands.runeCount(s) + 1;
        int n = 0;
        for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + sub.length())) n++;
        return n;
    }

    private static Value anyMatch(List<Value> a, BiPredicate<String, String> test) throws BuiltinException {
        List<String> strs = affixOperand(a, 1);
        List<String> affixes = affixOperand(a, 2);
        for (String s : strs) {
            for (String p : affixes) {
                if (test.test(s, p)) return BoolValue.TRUE;
            }
        }
        return BoolValue.FALSE;
    }

    private static List<String> affixOperand(List<Value> a, int pos) throws BuiltinException {
        Value v = arg(a, pos);
        if (v instanceof StringValue s) return List.of(s.value());
        if (v instanceof ArrayValue || v instanceof SetValue) return Operands.stringsOf(a, pos);
        throw Operands.typeError(pos, v, "string", "set", "array");
    }

    private static Value sprintf(String format, ArrayValue values) {
        List<Object> args = new ArrayList<>(values.size());
        for (Value v : values.elements()) {
            args.add(switch (v) {
                case NumberValue n -> goNumber(n);
                case StringValue s -> s.value();
                default -> Values.toRegoText(v);
            });
        }
        return StringValue.of(GoFormat.sprintf(format, args));
    }

    /**
     * The Go value OPA passes for a number: float64 when its text has a fraction or exponent
     * (its text when out of float64 range), otherwise int64 or *big.Int.
     */
    private static Object goNumber(NumberValue n) {
        BigDecimal d = n.value();
        if (d.scale() != 0) {
            double f = d.doubleValue();
            if (!Double.isInfinite(f)) return f;
            return d.scale() < 0 ? d.unscaledValue() + "e" + (-d.scale()) : d.toString().replace("E+", "e").replace("E", "e");
        }
        BigInteger i = d.toBigIntegerExact();
        return i.bitLength() < 64 ? (Object) i.longValue() : i;
    }
}
