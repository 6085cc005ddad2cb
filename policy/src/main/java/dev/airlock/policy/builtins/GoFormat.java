package dev.airlock.policy.builtins;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.List;

/**
 * Go's {@code fmt.Sprintf} for the argument kinds OPA's {@code sprintf} passes: {@link Long}
 * (int64), {@link BigInteger} (*big.Int), {@link Double} (float64) and {@link String}. Verbs,
 * flags, width, precision, explicit argument indexes and Go's in-band error forms
 * ({@code %!d(string=x)}, {@code %!s(MISSING)}, {@code %!(EXTRA ...)}) follow the fmt package.
 */
final class GoFormat {
    private GoFormat() {}

    /** Formatting directives of one verb. */
    private static final class Spec {
        boolean plus, minus, sharp, space, zero;
        int width = -1;
        int prec = -1;
    }

    static String sprintf(String format, List<Object> args) {
        StringBuilder out = new StringBuilder();
        int argNum = 0;
        boolean reordered = false;
        int n = format.length();
        int i = 0;
        while (i < n) {
            char c = format.charAt(i);
            if (c != '%') {
                out.append(c);
                i++;
                continue;
            }
            i++;
            Spec s = new Spec();
            // flags
            flags:
            while (i < n) {
                switch (format.charAt(i)) {
                    case '+' -> s.plus = true;
                    case '-' -> s.minus = true;
                    case '#' -> s.sharp = true;
                    case ' ' -> s.space = true;
                    case '0' -> s.zero = true;
                    default -> {
                        break flags;
                    }
                }
                i++;
            }
            boolean badIndex = false;
            // argument index, width
            int[] idx = argIndex(format, i, args.size());
            if (idx != null) {
                i = idx[1];
                reordered = true;
                if (idx[0] < 0) badIndex = true;
                else argNum = idx[0];
            }
            if (i < n && format.charAt(i) == '*') {
                i++;
                if (argNum < args.size() && args.get(argNum) instanceof Long w) {
                    s.width = (int) Math.abs(w);
                    if (w < 0) s.minus = true;
                    argNum++;
                } else {
                    out.append("%!(BADWIDTH)");
                    argNum++;
                }
            } else {
                int start = i;
                while (i < n && Character.isDigit(format.charAt(i))) i++;
                if (i > start) s.width = Integer.parseInt(format.substring(start, Math.min(i, start + 7)));
            }
            if (i < n && format.charAt(i) == '.') {
                i++;
                idx = argIndex(format, i, args.size());
                if (idx != null) {
                    i = idx[1];
                    reordered = true;
                    if (idx[0] < 0) badIndex = true;
                    else argNum = idx[0];
                }
                if (i < n && format.charAt(i) == '*') {
                    i++;
                    if (argNum < args.size() && args.get(argNum) instanceof Long p && p >= 0) {
                        s.prec = (int) (long) p;
                    } else {
                        out.append("%!(BADPREC)");
                    }
                    argNum++;
                } else {
                    int start = i;
                    while (i < n && Character.isDigit(format.charAt(i))) i++;
                    s.prec = i > start ? Integer.parseInt(format.substring(start, Math.min(i, start + 7))) : 0;
                }
            }
            idx = argIndex(format, i, args.size());
            if (idx != null) {
                i = idx[1];
                reordered = true;
                if (idx[0] < 0) badIndex = true;
                else argNum = idx[0];
            }
            if (i >= n) {
                out.append("%!(NOVERB)");
                break;
            }
            int verb = format.codePointAt(i);
            i += Character.charCount(verb);
            if (verb == '%') {
                out.append('%');
                continue;
            }
            if (badIndex) {
                out.append("%!").appendCodePoint(verb).append("(BADINDEX)");
                continue;
            }
            if (argNum >= args.size()) {
                out.append("%!").appendCodePoint(verb).append("(MISSING)");
                continue;
            }
            Object arg = args.get(argNum++);
            out.append(formatOne(arg, verb, s));
        }
        if (!reordered && argNum < args.size()) {
            out.append("%!(EXTRA ");
            for (int k = argNum; k < args.size(); k++) {
                if (k > argNum) out.append(", ");
                Object a = args.get(k);
                out.append(typeName(a)).append('=').append(formatOne(a, 'v', new Spec()));
            }
            out.append(')');
        }
        return out.toString();
    }

    /** Parses {@code [n]} at i: returns {zero-based index or -1 when bad, next position}, or null. */
    private static int[] argIndex(String f, int i, int nargs) {
        if (i >= f.length() || f.charAt(i) != '[') return null;
        int close = f.indexOf(']', i);
        if (close < 0) return new int[] {-1, f.length()};
        try {
            int v = Integer.parseInt(f.substring(i + 1, close));
            if (v < 1 || v > nargs) return new int[] {-1, close + 1};
            return new int[] {v - 1, close + 1};
        } catch (NumberFormatException e) {
            return new int[] {-1, close + 1};
        }
    }

    private static String typeName(Object a) {
        return switch (a) {
            case Long l -> "int64";
            case BigInteger b -> "*big.Int";
            case Double d -> "float64";
            default -> "string";
        };
    }

    private static String bad(Object arg, int verb) {
        return "%!" + new String(Character.toChars(verb)) + "(" + typeName(arg) + "=" + formatOne(arg, 'v', new Spec()) + ")";
    }

    private static String formatOne(Object arg, int verb, Spec s) {
        return switch (arg) {
            case Long l -> integer(BigInteger.valueOf(l), verb, s, arg, false);
            case BigInteger b -> integer(b, verb, s, arg, true);
            case Double d -> floating(d, verb, s, arg);
            case String str -> string(str, verb, s, arg);
            default -> throw new IllegalArgumentException("unsupported sprintf argument " + arg);
        };
    }

    private static String integer(BigInteger v, int verb, Spec s, Object arg, boolean big) {
        String digits;
        String prefix = "";
        switch (verb) {
            case 'd', 'v' -> digits = v.abs().toString();
            case 's' -> {
                if (!big) return bad(arg, verb);
                digits = v.abs().toString();
            }
            case 'b' -> digits = v.abs().toString(2);
            case 'o', 'O' -> {
                digits = v.abs().toString(8);
                if (verb == 'O') prefix = "0o";
                else if (s.sharp) prefix = "0";
            }
            case 'x' -> {
                digits = v.abs().toString(16);
                if (s.sharp) prefix = "0x";
            }
            case 'X' -> {
                digits = v.abs().toString(16).toUpperCase();
                if (s.sharp) prefix = "0X";
            }
            case 'c' -> {
                if (big) return bad(arg, verb);
                return pad(new String(Character.toChars(validRune(v))), s, false);
            }
            case 'q' -> {
                if (big) return bad(arg, verb);
                return pad(quoteRune(validRune(v)), s, false);
            }
            case 'U' -> {
                if (big) return bad(arg, verb);
                String hex = v.toString(16).toUpperCase();
                while (hex.length() < 4) hex = "0" + hex;
                return pad("U+" + hex, s, false);
            }
            default -> {
                return bad(arg, verb);
            }
        }
        if (s.prec >= 0) {
            if (s.prec == 0 && v.signum() == 0) digits = "";
            while (digits.length() < s.prec) digits = "0" + digits;
        }
        String sign = v.signum() < 0 ? "-" : s.plus ? "+" : s.space ? " " : "";
        return padNumber(sign, prefix + digits, s, s.prec < 0);
    }

    private static int validRune(BigInteger v) {
        if (v.signum() < 0 || v.compareTo(BigInteger.valueOf(0x10FFFF)) > 0) return 0xFFFD;
        int cp = v.intValue();
        return Character.isSurrogate((char) cp) && cp <= 0xFFFF ? 0xFFFD : cp;
    }

    private static String floating(double d, int verb, Spec s, Object arg) {
        String body;
        switch (verb) {
            case 'v', 'g', 'G' -> body = formatG(Math.abs(d), s.prec, s.prec < 0);
            case 'e', 'E' -> body = formatE(Math.abs(d), s.prec < 0 ? 6 : s.prec);
            case 'f', 'F' -> body = new BigDecimal(Math.abs(d)).setScale(s.prec < 0 ? 6 : s.prec, RoundingMode.HALF_EVEN)
                    .toPlainString();
            default -> {
                return bad(arg, verb);
            }
        }
        if (verb == 'E' || verb == 'G') body = body.toUpperCase();
        boolean negative = d < 0 || (d == 0 && 1 / d < 0);
        String sign = negative ? "-" : s.plus ? "+" : s.space ? " " : "";
        return padNumber(sign, body, s, true);
    }

    /** Decimal digits without trailing zeros, and the decimal point position (Go's decimal). */
    private record Digits(String d, int dp) {
        static Digits of(BigDecimal v) {
            if (v.signum() == 0) return new Digits("0", 1);
            BigDecimal t = v.stripTrailingZeros();
            String digits = t.unscaledValue().abs().toString();
            return new Digits(digits, digits.length() - t.scale());
        }
    }

    private static Digits shortest(double d) {
        return Digits.of(new BigDecimal(Double.toString(d)));
    }

    private static String formatE(double d, int prec) {
        Digits g = d == 0 ? new Digits("0", 1)
                : Digits.of(new BigDecimal(d).round(new MathContext(prec + 1, RoundingMode.HALF_EVEN)));
        return fmtE(g, prec);
    }

    private static String formatG(double d, int prec, boolean shortestForm) {
        Digits g;
        if (shortestForm) {
            g = d == 0 ? new Digits("0", 1) : shortest(d);
            prec = g.d().length();
        } else {
            if (prec == 0) prec = 1;
            g = d == 0 ? new Digits("0", 1) : Digits.of(new BigDecimal(d).round(new MathContext(prec, RoundingMode.HALF_EVEN)));
        }
        int nd = g.d().length();
        int eprec = prec;
        if (eprec > nd && nd >= g.dp()) eprec = nd;
        if (shortestForm) eprec = 6;
        int exp = g.dp() - 1;
        if (exp < -4 || exp >= eprec) {
            if (prec > nd) prec = nd;
            return fmtE(g, prec - 1);
        }
        if (prec > g.dp()) prec = nd;
        return fmtF(g, Math.max(prec - g.dp(), 0));
    }

    private static String fmtE(Digits g, int prec) {
        StringBuilder sb = new StringBuilder();
        String d = g.d();
        sb.append(d.charAt(0));
        if (prec > 0) {
            sb.append('.');
            for (int i = 1; i <= prec; i++) sb.append(i < d.length() ? d.charAt(i) : '0');
        }
        int exp = d.equals("0") ? 0 : g.dp() - 1;
        sb.append('e').append(exp < 0 ? '-' : '+');
        int a = Math.abs(exp);
        if (a < 10) sb.append('0');
        return sb.append(a).toString();
    }

    private static String fmtF(Digits g, int prec) {
        StringBuilder sb = new StringBuilder();
        String d = g.d();
        if (g.dp() > 0) {
            for (int i = 0; i < g.dp(); i++) sb.append(i < d.length() ? d.charAt(i) : '0');
        } else {
            sb.append('0');
        }
        if (prec > 0) {
            sb.append('.');
            for (int i = 1; i <= prec; i++) {
                int j = g.dp() + i - 1;
                sb.append(j >= 0 && j < d.length() ? d.charAt(j) : '0');
            }
        }
        return sb.toString();
    }

    private static String string(String str, int verb, Spec s, Object arg) {
        switch (verb) {
            case 's', 'v' -> {
                if (s.prec >= 0 && str.codePointCount(0, str.length()) > s.prec) {
                    str = str.substring(0, str.offsetByCodePoints(0, s.prec));
                }
                return pad(str, s, s.zero);
            }
            case 'q' -> {
                return pad(s.sharp && str.indexOf('`') < 0 && printable(str) ? "`" + str + "`" : quote(str), s, false);
            }
            case 'x', 'X' -> {
                StringBuilder sb = new StringBuilder();
                byte[] bytes = str.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                for (int k = 0; k < bytes.length; k++) {
                    if (s.space && k > 0) sb.append(' ');
                    if (s.sharp && (s.space || k == 0)) sb.append(verb == 'x' ? "0x" : "0X");
                    String h = String.format("%02x", bytes[k] & 0xff);
                    sb.append(verb == 'X' ? h.toUpperCase() : h);
                }
                return pad(sb.toString(), s, false);
            }
            default -> {
                return bad(arg, verb);
            }
        }
    }

    private static boolean printable(String s) {
        return s.codePoints().allMatch(cp -> cp >= 0x20 && cp != 0x7f || cp == '\t');
    }

    /** strconv.Quote: printable runes kept, others escaped. */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        s.codePoints().forEach(cp -> appendEscaped(sb, cp, '"'));
        return sb.append('"').toString();
    }

    private static String quoteRune(int cp) {
        StringBuilder sb = new StringBuilder("'");
        appendEscaped(sb, cp, '\'');
        return sb.append('\'').toString();
    }

    private static void appendEscaped(StringBuilder sb, int cp, char quote) {
        switch (cp) {
            case '\u0007' -> sb.append("\\a");
            case '\b' -> sb.append("\\b");
            case '\f' -> sb.append("\\f");
            case '\n' -> sb.append("\\n");
            case '\r' -> sb.append("\\r");
            case '\t' -> sb.append("\\t");
            case '\u000b' -> sb.append("\\v");
            case '\\' -> sb.append("\\\\");
            default -> {
                if (cp == quote) {
                    sb.append('\\').append(quote);
                } else if (cp < 0x20 || cp == 0x7f) {
                    sb.append(String.format("\\x%02x", cp));
                } else if (!Character.isDefined(cp) || Character.getType(cp) == Character.CONTROL
                        || Character.getType(cp) == Character.FORMAT && cp != 0x200d) {
                    sb.append(cp > 0xFFFF ? String.format("\\U%08x", cp) : String.format("\\u%04x", cp));
                } else {
                    sb.appendCodePoint(cp);
                }
            }
        }
    }

    private static String pad(String body, Spec s, boolean zeroPad) {
        int len = body.codePointCount(0, body.length());
        if (s.width <= len) return body;
        String fill = (zeroPad && !s.minus ? "0" : " ").repeat(s.width - len);
        return s.minus ? body + fill : fill + body;
    }

    private static String padNumber(String sign, String body, Spec s, boolean zeroAllowed) {
        int len = sign.length() + body.length();
        if (s.width <= len) return sign + body;
        int fill = s.width - len;
        if (s.minus) return sign + body + " ".repeat(fill);
        if (s.zero && zeroAllowed) return sign + "0".repeat(fill) + body;
        return " ".repeat(fill) + sign + body;
    }
}
