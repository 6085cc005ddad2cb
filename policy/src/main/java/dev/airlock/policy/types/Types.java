package dev.airlock.policy.types;

import dev.airlock.policy.value.StringValue;
import dev.airlock.policy.value.Value;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Short constructors for writing signatures: {@code func(args(S, N), B)}. */
public final class Types {
    private Types() {}

    public static final Type A = new Type.Any(List.of());
    public static final Type NULL = new Type.Null();
    public static final Type B = new Type.Boolean();
    public static final Type N = new Type.Number();
    public static final Type S = new Type.String();

    public static Type arrayOf(Type element) {
        return new Type.Array(List.of(), element);
    }

    public static Type tuple(Type... positional) {
        return new Type.Array(List.of(positional), null);
    }

    public static Type setOf(Type element) {
        return new Type.Set(element);
    }

    public static Type objectOf(Type key, Type value) {
        return new Type.Object(Map.of(), key, value);
    }

    /** An object with known string keys: {@code record("a", N, "b", S)}. */
    public static Type record(java.lang.Object... keysAndTypes) {
        Map<Value, Type> known = new LinkedHashMap<>();
        for (int i = 0; i < keysAndTypes.length; i += 2) {
            known.put(StringValue.of((String) keysAndTypes[i]), (Type) keysAndTypes[i + 1]);
        }
        return new Type.Object(known, null, null);
    }

    public static Type anyOf(Type... members) {
        return new Type.Any(List.of(members));
    }

    public static List<Type> args(Type... args) {
        return List.of(args);
    }

    public static Type.Function func(List<Type> args, Type result) {
        return new Type.Function(args, null, result);
    }

    public static Type.Function variadic(List<Type> args, Type rest, Type result) {
        return new Type.Function(args, rest, result);
    }

    /** Name of a type as OPA prints it in errors: "string", "array[number]", "any<number, string>", ... */
    public static String describe(Type t) {
        return switch (t) {
            case Type.Null n -> "null";
            case Type.Boolean b -> "boolean";
            case Type.Number n -> "number";
            case Type.String s -> "string";
            case Type.Array a -> a.positional().isEmpty() && a.dynamic() != null
                    ? "array[" + describe(a.dynamic()) + "]"
                    : "array<" + String.join(", ", a.positional().stream().map(Types::describe).toList())
                            + (a.dynamic() == null ? "" : ", " + describe(a.dynamic()) + "...") + ">";
            case Type.Set s -> "set[" + describe(s.of()) + "]";
            case Type.Object o -> o.known().isEmpty() && o.dynamicKey() != null
                    ? "object[" + describe(o.dynamicKey()) + ": " + describe(o.dynamicValue()) + "]"
                    : "object<" + String.join(", ", o.known().entrySet().stream()
                            .map(e -> e.getKey() + ": " + describe(e.getValue())).toList()) + ">";
            case Type.Any a -> a.of().isEmpty() ? "any"
                    : "any<" + String.join(", ", a.of().stream().map(Types::describe).toList()) + ">";
            case Type.Function f -> "(" + String.join(", ", f.args().stream().map(Types::describe).toList()) + ")"
                    + (f.result() == null ? "" : " => " + describe(f.result()));
        };
    }
}
