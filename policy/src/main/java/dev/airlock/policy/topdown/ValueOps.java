package dev.airlock.policy.topdown;

import dev.airlock.policy.value.ArrayValue;
import dev.airlock.policy.value.NumberValue;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.SetValue;
import dev.airlock.policy.value.StringValue;
import dev.airlock.policy.value.Value;
import dev.airlock.policy.value.Values;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Small operations on values the evaluator needs: lookup by key, upsert along a path, text. */
final class ValueOps {
    private ValueOps() {}

    /** {@code v[key]}: object entry, array element, or the set element itself; null when absent. */
    static Value lookup(Value v, Value key) {
        if (v instanceof ObjectValue o) return o.get(key);
        switch (v) {
            case ObjectValue o -> {
                return o.get(key);
            }
            case ArrayValue a -> {
                if (key instanceof NumberValue n) {
                    Integer i = n.toIntExact();
                    if (i != null && i >= 0 && i < a.size()) return a.get(i);
                }
                return null;
            }
            case SetValue s -> {
                return s.contains(key) ? key : null;
            }
            default -> {
                return null;
            }
        }
    }

    /** Sets {@code path} inside {@code base} to {@code v}, creating objects; non-objects on the way are replaced. */
    static Value upsert(Value base, List<Value> path, int i, Value v) {
        if (i == path.size()) return v;
        TreeMap<Value, Value> m = base instanceof ObjectValue o ? new TreeMap<>(o.entries()) : new TreeMap<>();
        Value key = path.get(i);
        m.put(key, upsert(m.get(key), path, i + 1, v));
        return ObjectValue.wrap(m);
    }

    /** Text of a value in template strings and print: strings raw, everything else as Rego text. */
    static String text(Value v) {
        return v instanceof StringValue s ? s.value() : Values.toRegoText(v);
    }

    /** Deep merge of two documents (base and virtual); where they disagree on a non-object value, {@code a} wins. */
    static Value merge(Value a, Value b) {
        if (a == null) return b;
        if (b == null) return a;
        if (a instanceof ObjectValue x && b instanceof ObjectValue y) {
            TreeMap<Value, Value> m = new TreeMap<>(x.entries());
            for (Map.Entry<Value, Value> e : y.entries().entrySet()) {
                Value cur = m.get(e.getKey());
                Value merged = cur == null ? e.getValue() : merge(cur, e.getValue());
                if (merged == null) return null;
                m.put(e.getKey(), merged);
            }
            return ObjectValue.wrap(m);
        }
        // Not both objects: nothing to merge, the first (the base document) wins, as in OPA.
        return a;
    }
}
