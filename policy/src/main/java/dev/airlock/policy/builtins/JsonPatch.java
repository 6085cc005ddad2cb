package dev.airlock.policy.builtins;

import dev.airlock.policy.value.ArrayValue;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.SetValue;
import dev.airlock.policy.value.StringValue;
import dev.airlock.policy.value.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * RFC 6902 JSON Patch over immutable Rego values, as OPA's {@code json.patch}: paths are JSON
 * pointers (the leading slash optional) or arrays of segments; sets are addressed by element,
 * and adding to a set requires the value to equal the last segment. Any failed operation makes
 * the whole patch fail.
 */
final class JsonPatch {
    private JsonPatch() {}

    static Value apply(Value doc, ArrayValue ops) throws BuiltinException {
        for (Value op : ops.elements()) {
            if (!(op instanceof ObjectValue o)) throw BuiltinException.error("patch operation must be an object, got " + op.typeName());
            doc = applyOne(doc, o);
        }
        return doc;
    }

    private static Value applyOne(Value doc, ObjectValue op) throws BuiltinException {
        if (!(op.get("op") instanceof StringValue name)) throw BuiltinException.error("patch operation is missing \"op\"");
        List<Value> path = pathOf(op, "path");
        return switch (name.value()) {
            case "add" -> add(doc, path, value(op));
            case "remove" -> remove(doc, path);
            case "replace" -> {
                get(doc, path);
                yield path.isEmpty() ? value(op) : add(remove(doc, path), path, value(op));
            }
            case "move" -> {
                List<Value> from = pathOf(op, "from");
                Value v = get(doc, from);
                yield add(remove(doc, from), path, v);
            }
            case "copy" -> add(doc, path, get(doc, pathOf(op, "from")));
            case "test" -> {
                if (!get(doc, path).equals(value(op))) throw BuiltinException.error("test operation failed");
                yield doc;
            }
            default -> throw BuiltinException.error("unknown patch operation " + Operands.quote(name.value()));
        };
    }

    private static Value value(ObjectValue op) throws BuiltinException {
        Value v = op.get("value");
        if (v == null) throw BuiltinException.error("patch operation is missing \"value\"");
        return v;
    }

    private static List<Value> pathOf(ObjectValue op, String key) throws BuiltinException {
        Value p = op.get(key);
        if (p == null) throw BuiltinException.error("patch operation is missing \"" + key + "\"");
        if (p instanceof StringValue s) {
            String text = s.value();
            List<Value> out = new ArrayList<>();
            if (text.isEmpty()) return out;
            if (text.startsWith("/")) text = text.substring(1);
            for (String seg : StringBuiltins.split(text, "/")) {
                out.add(StringValue.of(seg.replace("~1", "/").replace("~0", "~")));
            }
            return out;
        }
        if (p instanceof ArrayValue a) return a.elements();
        throw BuiltinException.error("patch \"" + key + "\" must be a string or an array");
    }

    /** The array index a segment names; "-" (only when appending) is the length. */
    private static int index(ArrayValue arr, Value seg, boolean appending) throws BuiltinException {
        String text = switch (seg) {
            case StringValue s -> s.value();
            case dev.airlock.policy.value.NumberValue n -> n.toString();
            default -> throw BuiltinException.error("invalid array index " + seg);
        };
        if (appending && text.equals("-")) return arr.size();
        if (!text.matches("0|[1-9][0-9]{0,8}")) throw BuiltinException.error("invalid array index " + Operands.quote(text));
        int i = Integer.parseInt(text);
        if (i > arr.size() || (!appending && i == arr.size())) throw BuiltinException.error("array index " + i + " out of range");
        return i;
    }

    static Value get(Value doc, List<Value> path) throws BuiltinException {
        Value v = doc;
        for (Value seg : path) {
            v = switch (v) {
                case ObjectValue o -> o.get(seg);
                case ArrayValue a -> a.get(index(a, seg, false));
                case SetValue s -> s.contains(seg) ? seg : null;
                default -> null;
            };
            if (v == null) throw BuiltinException.error("path " + path + " does not exist");
        }
        return v;
    }

    private static Value add(Value doc, List<Value> path, Value value) throws BuiltinException {
        if (path.isEmpty()) return value;
        Value seg = path.getFirst();
        List<Value> rest = path.subList(1, path.size());
        boolean last = rest.isEmpty();
        switch (doc) {
            case ObjectValue o -> {
                TreeMap<Value, Value> m = new TreeMap<>(o.entries());
                if (last) {
                    m.put(seg, value);
                } else {
                    Value child = o.get(seg);
                    if (child == null) throw BuiltinException.error("path " + path + " does not exist");
                    m.put(seg, add(child, rest, value));
                }
                return ObjectValue.wrap(m);
            }
            case ArrayValue a -> {
                List<Value> xs = new ArrayList<>(a.elements());
                if (last) {
                    xs.add(index(a, seg, true), value);
                } else {
                    int i = index(a, seg, false);
                    xs.set(i, add(a.get(i), rest, value));
                }
                return new ArrayValue(xs);
            }
            case SetValue s -> {
                TreeSet<Value> xs = new TreeSet<>(s.elements());
                if (last) {
                    if (!seg.equals(value)) throw BuiltinException.error("set element added must equal the last path segment");
                    xs.add(value);
                } else {
                    if (!s.contains(seg)) throw BuiltinException.error("path " + path + " does not exist");
                    xs.remove(seg);
                    xs.add(add(seg, rest, value));
                }
                return SetValue.wrap(xs);
            }
            default -> throw BuiltinException.error("cannot add to a " + doc.typeName());
        }
    }

    private static Value remove(Value doc, List<Value> path) throws BuiltinException {
        if (path.isEmpty()) throw BuiltinException.error("cannot remove the root document");
        Value seg = path.getFirst();
        List<Value> rest = path.subList(1, path.size());
        boolean last = rest.isEmpty();
        switch (doc) {
            case ObjectValue o -> {
                Value child = o.get(seg);
                if (child == null) throw BuiltinException.error("path " + path + " does not exist");
                TreeMap<Value, Value> m = new TreeMap<>(o.entries());
                if (last) m.remove(seg);
                else m.put(seg, remove(child, rest));
                return ObjectValue.wrap(m);
            }
            case ArrayValue a -> {
                int i = index(a, seg, false);
                List<Value> xs = new ArrayList<>(a.elements());
                if (last) xs.remove(i);
                else xs.set(i, remove(a.get(i), rest));
                return new ArrayValue(xs);
            }
            case SetValue s -> {
                if (!s.contains(seg)) throw BuiltinException.error("path " + path + " does not exist");
                TreeSet<Value> xs = new TreeSet<>(s.elements());
                xs.remove(seg);
                if (!last) xs.add(remove(seg, rest));
                return SetValue.wrap(xs);
            }
            default -> throw BuiltinException.error("path " + path + " does not exist");
        }
    }
}
