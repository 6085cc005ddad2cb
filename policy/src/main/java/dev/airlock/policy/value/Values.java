package dev.airlock.policy.value;

import java.math.BigDecimal;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** Ordering and text forms shared by all value kinds. */
public final class Values {
    private Values() {}

    static int compareSameKind(Value a, Value b) {
        return switch (a) {
            case NullValue n -> 0;
            case BoolValue x -> Boolean.compare(x.value(), ((BoolValue) b).value());
            case NumberValue x -> x.value().compareTo(((NumberValue) b).value());
            case StringValue x -> compareCodePoints(x.value(), ((StringValue) b).value());
            case ArrayValue x -> compareSequences(x.elements().iterator(), ((ArrayValue) b).elements().iterator());
            case ObjectValue x -> compareObjects(x, (ObjectValue) b);
            case SetValue x -> compareSequences(x.elements().iterator(), ((SetValue) b).elements().iterator());
        };
    }

    /** Orders strings by code point (the order of their UTF-8 bytes), not by UTF-16 unit. */
    public static int compareCodePoints(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char ca = a.charAt(i);
            char cb = b.charAt(i);
            if (ca != cb) {
                // Surrogates (>= 0xD800) encode code points above every BMP char that follows them.
                boolean sa = Character.isSurrogate(ca);
                boolean sb = Character.isSurrogate(cb);
                if (sa != sb) return sa ? 1 : -1;
                return Character.compare(ca, cb);
            }
        }
        return Integer.compare(a.length(), b.length());
    }

    private static int compareSequences(Iterator<Value> a, Iterator<Value> b) {
        while (a.hasNext() && b.hasNext()) {
            int c = a.next().compareTo(b.next());
            if (c != 0) return c;
        }
        return Boolean.compare(a.hasNext(), b.hasNext());
    }

    private static int compareObjects(ObjectValue a, ObjectValue b) {
        Iterator<Map.Entry<Value, Value>> ia = a.entries().entrySet().iterator();
        Iterator<Map.Entry<Value, Value>> ib = b.entries().entrySet().iterator();
        while (ia.hasNext() && ib.hasNext()) {
            Map.Entry<Value, Value> ea = ia.next();
            Map.Entry<Value, Value> eb = ib.next();
            int c = ea.getKey().compareTo(eb.getKey());
            if (c != 0) return c;
            c = ea.getValue().compareTo(eb.getValue());
            if (c != 0) return c;
        }
        return Boolean.compare(ia.hasNext(), ib.hasNext());
    }

    /** Number text as OPA prints it: integers in full, fractions without trailing zeros. */
    public static String formatNumber(BigDecimal v) {
        if (v.signum() == 0) return "0";
        BigDecimal s = v.stripTrailingZeros();
        if (s.scale() <= 0) {
            // Integers print in full unless absurdly long (1e400 stays in exponent form).
            return s.precision() - s.scale() <= 400 ? s.toBigInteger().toString() : s.toString().replace("E+", "e+");
        }
        if (s.scale() - s.precision() > 20) {
            return s.toString().replace("E", "e");
        }
        return s.toPlainString();
    }

    /** Rego source text of a value: like JSON, but sets print as {@code {1, 2}} and {@code set()}. */
    public static String toRegoText(Value v) {
        StringBuilder sb = new StringBuilder();
        appendRegoText(sb, v);
        return sb.toString();
    }

    private static void appendRegoText(StringBuilder sb, Value v) {
        switch (v) {
            case ArrayValue a -> appendAll(sb, "[", a.elements(), "]");
            case SetValue s -> {
                if (s.size() == 0) {
                    sb.append("set()");
                } else {
                    appendAll(sb, "{", List.copyOf(s.elements()), "}");
                }
            }
            case ObjectValue o -> {
                sb.append('{');
                boolean first = true;
                for (Map.Entry<Value, Value> e : o.entries().entrySet()) {
                    if (!first) sb.append(", ");
                    first = false;
                    appendRegoText(sb, e.getKey());
                    sb.append(": ");
                    appendRegoText(sb, e.getValue());
                }
                sb.append('}');
            }
            default -> sb.append(v);
        }
    }

    private static void appendAll(StringBuilder sb, String open, List<Value> items, String close) {
        sb.append(open);
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) sb.append(", ");
            appendRegoText(sb, items.get(i));
        }
        sb.append(close);
    }
}
