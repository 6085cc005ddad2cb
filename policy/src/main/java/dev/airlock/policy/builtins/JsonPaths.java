package dev.airlock.policy.builtins;

import dev.airlock.policy.value.ArrayValue;
import dev.airlock.policy.value.NumberValue;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.SetValue;
import dev.airlock.policy.value.StringValue;
import dev.airlock.policy.value.Value;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The paths of {@code json.filter} and {@code json.remove}: strings such as {@code "a/b/0"}
 * (JSON-pointer escapes {@code ~0} and {@code ~1} allowed) or arrays of path segments, gathered
 * into a tree and applied to objects, arrays (by index) and sets (by element).
 */
final class JsonPaths {
    private JsonPaths() {}

    /** A node of the path tree; a leaf means "this whole value". */
    static final class Node {
        final TreeMap<Value, Node> children = new TreeMap<>();
        boolean leaf;
    }

    static Node paths(List<Value> a) throws BuiltinException {
        Collection<Value> items = switch (a.get(1)) {
            case ArrayValue x -> x.elements();
            case SetValue x -> x.elements();
            default -> throw Operands.typeError(2, a.get(1), "set", "array");
        };
        Node root = new Node();
        for (Value p : items) {
            List<Value> segments = segments(p);
            Node n = root;
            for (Value seg : segments) {
                if (n.leaf) break;
                n = n.children.computeIfAbsent(seg, k -> new Node());
            }
            n.leaf = true;
            n.children.clear();
        }
        return root;
    }

    static List<Value> segments(Value p) throws BuiltinException {
        if (p instanceof StringValue s) {
            List<Value> out = new ArrayList<>();
            String path = s.value();
            if (path.startsWith("/")) path = path.substring(1);
            if (path.isEmpty()) return out;
            for (String seg : StringBuiltins.split(path, "/")) {
                out.add(StringValue.of(seg.replace("~1", "/").replace("~0", "~")));
            }
            return out;
        }
        if (p instanceof ArrayValue arr) return arr.elements();
        throw BuiltinException.type("operand 2 must be one of {set, array} containing string paths or array of path segments but got "
                + p.typeName());
    }

    /** The child node for a key of v's collection; array indices also match their decimal string. */
    private static Node child(Node n, Value key) {
        Node c = n.children.get(key);
        if (c == null && key instanceof NumberValue num) c = n.children.get(StringValue.of(num.toString()));
        return c;
    }

    static Value filter(Value v, Node n) {
        if (n.leaf) return v;
        return switch (v) {
            case ObjectValue o -> {
                TreeMap<Value, Value> out = new TreeMap<>();
                for (Map.Entry<Value, Value> e : o.entries().entrySet()) {
                    Node c = child(n, e.getKey());
                    if (c != null) out.put(e.getKey(), filter(e.getValue(), c));
                }
                yield ObjectValue.wrap(out);
            }
            case ArrayValue arr -> {
                List<Value> out = new ArrayList<>();
                for (int i = 0; i < arr.size(); i++) {
                    Node c = child(n, NumberValue.of(i));
                    if (c != null) out.add(filter(arr.get(i), c));
                }
                yield new ArrayValue(out);
            }
            case SetValue set -> {
                TreeSet<Value> out = new TreeSet<>();
                for (Value e : set.elements()) {
                    Node c = child(n, e);
                    if (c != null) out.add(filter(e, c));
                }
                yield SetValue.wrap(out);
            }
            default -> v;
        };
    }

    /** v without the paths of the tree; null when v itself is removed. */
    static Value remove(Value v, Node n) {
        if (n.leaf) return null;
        return switch (v) {
            case ObjectValue o -> {
                TreeMap<Value, Value> out = new TreeMap<>();
                for (Map.Entry<Value, Value> e : o.entries().entrySet()) {
                    Node c = child(n, e.getKey());
                    Value kept = c == null ? e.getValue() : remove(e.getValue(), c);
                    if (kept != null) out.put(e.getKey(), kept);
                }
                yield ObjectValue.wrap(out);
            }
            case ArrayValue arr -> {
                List<Value> out = new ArrayList<>();
                for (int i = 0; i < arr.size(); i++) {
                    Node c = child(n, NumberValue.of(i));
                    Value kept = c == null ? arr.get(i) : remove(arr.get(i), c);
                    if (kept != null) out.add(kept);
                }
                yield new ArrayValue(out);
            }
            case SetValue set -> {
                TreeSet<Value> out = new TreeSet<>();
                for (Value e : set.elements()) {
                    Node c = child(n, e);
                    Value kept = c == null ? e : remove(e, c);
                    if (kept != null) out.add(kept);
                }
                yield SetValue.wrap(out);
            }
            default -> v;
        };
    }
}
