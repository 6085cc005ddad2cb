package dev.airlock.policy.builtins.jsonschema;

import dev.airlock.policy.value.ArrayValue;
import dev.airlock.policy.value.BoolValue;
import dev.airlock.policy.value.Json;
import dev.airlock.policy.value.NullValue;
import dev.airlock.policy.value.NumberValue;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.StringValue;
import dev.airlock.policy.value.Value;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * JSON text as Go's {@code encoding/json} writes it for decoded documents: keys sorted by their
 * UTF-8 bytes, numbers as float64 in Go's shortest form, and {@code <>&} escaped. gojsonschema
 * compares {@code const} and {@code enum} values, and prints them in messages, in this form.
 */
final class GoJson {
    private GoJson() {}

    static String write(Value v) {
        StringBuilder sb = new StringBuilder();
        write(sb, v);
        return sb.toString();
    }

    private static void write(StringBuilder sb, Value v) {
        switch (v) {
            case NullValue n -> sb.append("null");
            case BoolValue b -> sb.append(b.value());
            case NumberValue n -> sb.append(number(n.value().doubleValue()));
            case StringValue s -> string(sb, s.value());
            case ArrayValue a -> {
                sb.append('[');
                for (int i = 0; i < a.size(); i++) {
                    if (i > 0) sb.append(',');
                    write(sb, a.get(i));
                }
                sb.append(']');
            }
            case ObjectValue o -> {
                TreeMap<byte[], Map.Entry<String, Value>> sorted = new TreeMap<>(java.util.Arrays::compareUnsigned);
                for (Map.Entry<Value, Value> e : o.entries().entrySet()) {
                    String k = e.getKey() instanceof StringValue s ? s.value() : e.getKey().toString();
                    sorted.put(k.getBytes(StandardCharsets.UTF_8), Map.entry(k, e.getValue()));
                }
                sb.append('{');
                boolean first = true;
                for (Map.Entry<String, Value> e : sorted.values()) {
                    if (!first) sb.append(',');
                    first = false;
                    string(sb, e.getKey());
                    sb.append(':');
                    write(sb, e.getValue());
                }
                sb.append('}');
            }
            default -> {
                List<Value> xs = new ArrayList<>();
                if (v instanceof dev.airlock.policy.value.SetValue s) xs.addAll(s.elements());
                write(sb, new ArrayValue(xs));
            }
        }
    }

    /** Go's float64 JSON encoding: shortest digits, exponent form below 1e-6 or from 1e21. */
    static String number(double d) {
        if (d == 0) return "0";
        if (Double.isInfinite(d) || Double.isNaN(d)) return String.valueOf(d);
        BigDecimal bd = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        double abs = Math.abs(d);
        if (abs < 1e-6 || abs >= 1e21) {
            String digits = bd.unscaledValue().abs().toString();
            int exp = digits.length() - 1 - bd.scale();
            String mant = digits.length() > 1 ? digits.charAt(0) + "." + digits.substring(1) : digits;
            String sign = d < 0 ? "-" : "";
            return sign + mant + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
        }
        return bd.toPlainString();
    }

    /** Go's encoding/json string form, which {@link Json#quote} already writes. */
    private static void string(StringBuilder sb, String s) {
        Json.quote(sb, s);
    }
}
