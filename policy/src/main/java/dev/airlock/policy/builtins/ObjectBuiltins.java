package dev.airlock.policy.builtins;

import static dev.airlock.policy.builtins.Operands.arg;
import static dev.airlock.policy.builtins.Operands.object;
import static dev.airlock.policy.types.Types.A;
import static dev.airlock.policy.types.Types.B;
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
import dev.airlock.policy.value.Value;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Objects: object.get/keys/remove/filter/union/union_n/subset, and json.filter/remove/patch. */
public final class ObjectBuiltins {
    private ObjectBuiltins() {}

    private static final Type OBJ = objectOf(A, A);
    private static final Type KEYS = anyOf(arrayOf(A), setOf(A), OBJ);
    private static final Type PATHS = anyOf(arrayOf(anyOf(S, arrayOf(A))), setOf(anyOf(S, arrayOf(A))));

    public static List<Builtin> declarations() {
        return List.of(
                Builtin.of("object.get", func(args(OBJ, A, A), A),
                        "The value at key (or at the path of keys, when key is an array), else the default",
                        (ctx, a) -> {
                            ObjectValue o = object(a, 1);
                            Value key = a.get(1);
                            Value found = o.get(key);
                            if (found != null) return found;
                            if (key instanceof ArrayValue path) {
                                Value v = walk(o, path.elements());
                                if (v != null) return v;
                            }
                            return a.get(2);
                        }),
                Builtin.of("object.keys", func(args(OBJ), setOf(A)), "The set of an object's keys",
                        (ctx, a) -> SetValue.of(object(a, 1).entries().keySet())),
                Builtin.of("object.remove", func(args(OBJ, KEYS), OBJ), "The object without the given keys",
                        (ctx, a) -> {
                            ObjectValue o = object(a, 1);
                            TreeMap<Value, Value> out = new TreeMap<>(o.entries());
                            for (Value k : keyOperand(a)) out.remove(k);
                            return ObjectValue.wrap(out);
                        }),
                Builtin.of("object.filter", func(args(OBJ, KEYS), OBJ), "The object with only the given keys",
                        (ctx, a) -> {
                            ObjectValue o = object(a, 1);
                            TreeMap<Value, Value> out = new TreeMap<>();
                            for (Value k : keyOperand(a)) {
                                Value v = o.get(k);
                                if (v != null) out.put(k, v);
                            }
                            return ObjectValue.wrap(out);
                        }),
                Builtin.of("object.union", func(args(OBJ, OBJ), OBJ),
                        "Merges two objects recursively; on conflicts the second object's value wins",
                        (ctx, a) -> union(object(a, 1), object(a, 2))),
                Builtin.of("object.union_n", func(args(arrayOf(OBJ)), OBJ),
                        "Merges an array of objects recursively, later objects winning conflicts",
                        (ctx, a) -> {
                            ObjectValue out = ObjectValue.EMPTY;
                            for (Value v : Operands.array(a, 1).elements()) {
                                if (!(v instanceof ObjectValue o)) throw Operands.elementError(1, a.get(0), v, "object");
                                out = union(out, o);
                            }
                            return out;
                        }),
                Builtin.of("object.subset", func(args(anyOf(OBJ, arrayOf(A), setOf(A)), anyOf(OBJ, arrayOf(A), setOf(A))), B),
                        "Whether sub is contained in super (recursively for objects; contiguously for arrays)",
                        (ctx, a) -> subset(a.get(0), a.get(1))),
                Builtin.of("json.filter", func(args(OBJ, PATHS), A), "The object with only the given JSON paths",
                        (ctx, a) -> JsonPaths.filter(jsonObject(a), JsonPaths.paths(a))),
                Builtin.of("json.remove", func(args(OBJ, PATHS), A), "The object without the given JSON paths",
                        (ctx, a) -> JsonPaths.remove(jsonObject(a), JsonPaths.paths(a))),
                Builtin.of("json.patch", func(args(A, arrayOf(objectOf(S, A))), A),
                        "Applies RFC 6902 JSON Patch operations (extended to sets)",
                        (ctx, a) -> JsonPatch.apply(a.get(0), Operands.array(a, 2))));
    }

    private static ObjectValue jsonObject(List<Value> a) throws BuiltinException {
        return object(a, 1);
    }

    private static Value walk(Value v, List<Value> path) {
        for (Value k : path) {
            v = switch (v) {
                case ObjectValue o -> o.get(k);
                case ArrayValue arr when k instanceof NumberValue n && n.toIntExact() != null
                        && n.toIntExact() >= 0 && n.toIntExact() < arr.size() -> arr.get(n.toIntExact());
                case SetValue s when s.contains(k) -> k;
                default -> null;
            };
            if (v == null) return null;
        }
        return v;
    }

    private static Collection<Value> keyOperand(List<Value> a) throws BuiltinException {
        return switch (arg(a, 2)) {
            case ArrayValue x -> x.elements();
            case SetValue x -> x.elements();
            case ObjectValue x -> x.entries().keySet();
            default -> throw Operands.typeError(2, arg(a, 2), "object", "set", "array");
        };
    }

    static ObjectValue union(ObjectValue a, ObjectValue b) {
        TreeMap<Value, Value> out = new TreeMap<>(a.entries());
        for (Map.Entry<Value, Value> e : b.entries().entrySet()) {
            Value mine = out.get(e.getKey());
            if (mine instanceof ObjectValue mo && e.getValue() instanceof ObjectValue theirs) {
                out.put(e.getKey(), union(mo, theirs));
            } else {
                out.put(e.getKey(), e.getValue());
            }
        }
        return ObjectValue.wrap(out);
    }

    private static Value subset(Value sup, Value sub) throws BuiltinException {
        if (sup instanceof ObjectValue a && sub instanceof ObjectValue b) return BoolValue.of(objectSubset(a, b));
        if (sup instanceof SetValue a && sub instanceof SetValue b) return BoolValue.of(a.elements().containsAll(b.elements()));
        if (sup instanceof ArrayValue a && sub instanceof ArrayValue b) return BoolValue.of(arraySubset(a, b));
        if (sup instanceof ArrayValue a && sub instanceof SetValue b) return BoolValue.of(arraySetSubset(a, b));
        throw BuiltinException.type("both arguments object.subset must be of the same type or array and set");
    }

    private static boolean objectSubset(ObjectValue sup, ObjectValue sub) {
        for (Map.Entry<Value, Value> e : sub.entries().entrySet()) {
            Value mine = sup.get(e.getKey());
            Value theirs = e.getValue();
            if (mine == null) return false;
            if (mine.equals(theirs)) continue;
            boolean ok;
            if (mine instanceof ObjectValue a && theirs instanceof ObjectValue b) ok = objectSubset(a, b);
            else if (mine instanceof SetValue a && theirs instanceof SetValue b) ok = a.elements().containsAll(b.elements());
            else if (mine instanceof ArrayValue a && theirs instanceof ArrayValue b) ok = arraySubset(a, b);
            else ok = false;
            if (!ok) return false;
        }
        return true;
    }

    /** Whether sub appears as a contiguous run in sup. */
    private static boolean arraySubset(ArrayValue sup, ArrayValue sub) {
        int n = sup.size();
        int m = sub.size();
        if (m > n) return false;
        outer:
        for (int start = 0; start + m <= n; start++) {
            for (int j = 0; j < m; j++) {
                if (sup.get(start + j).compareTo(sub.get(j)) != 0) continue outer;
            }
            return true;
        }
        return false;
    }

    /** OPA counts the array's elements found in the set until all are matched. */
    private static boolean arraySetSubset(ArrayValue sup, SetValue sub) {
        int unmatched = sub.size();
        for (Value v : sup.elements()) {
            if (sub.contains(v)) unmatched--;
            if (unmatched == 0) return true;
        }
        return false;
    }
}
