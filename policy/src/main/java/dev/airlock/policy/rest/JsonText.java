package dev.airlock.policy.rest;

import dev.airlock.policy.value.ArrayValue;
import dev.airlock.policy.value.Json;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.SetValue;
import dev.airlock.policy.value.StringValue;
import dev.airlock.policy.value.Value;
import java.util.Collection;
import java.util.Map;

/** JSON text for API responses: compact, or indented by two spaces for {@code ?pretty=true} as OPA does. */
final class JsonText {
    private JsonText() {}

    static String write(Value v, boolean pretty) {
        if (!pretty) return Json.write(v);
        StringBuilder sb = new StringBuilder();
        indent(sb, v, 0);
        return sb.append('\n').toString();
    }

    private static void indent(StringBuilder sb, Value v, int depth) {
        switch (v) {
            case ArrayValue a -> items(sb, a.elements(), depth);
            case SetValue s -> items(sb, s.elements(), depth);
            case ObjectValue o when o.size() > 0 -> {
                sb.append('{');
                boolean first = true;
                for (Map.Entry<Value, Value> e : o.entries().entrySet()) {
                    sb.append(first ? "\n" : ",\n");
                    first = false;
                    pad(sb, depth + 1);
                    Json.quote(sb, e.getKey() instanceof StringValue k ? k.value() : Json.write(e.getKey()));
                    sb.append(": ");
                    indent(sb, e.getValue(), depth + 1);
                }
                sb.append('\n');
                pad(sb, depth);
                sb.append('}');
            }
            default -> Json.write(sb, v);
        }
    }

    private static void items(StringBuilder sb, Collection<Value> items, int depth) {
        if (items.isEmpty()) {
            sb.append("[]");
            return;
        }
        sb.append('[');
        boolean first = true;
        for (Value item : items) {
            sb.append(first ? "\n" : ",\n");
            first = false;
            pad(sb, depth + 1);
            indent(sb, item, depth + 1);
        }
        sb.append('\n');
        pad(sb, depth);
        sb.append(']');
    }

    private static void pad(StringBuilder sb, int depth) {
        sb.append("  ".repeat(depth));
    }
}
