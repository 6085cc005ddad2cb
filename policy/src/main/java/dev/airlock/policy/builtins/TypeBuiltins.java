package dev.airlock.policy.builtins;

import static dev.airlock.policy.types.Types.A;
import static dev.airlock.policy.types.Types.B;
import static dev.airlock.policy.types.Types.S;
import static dev.airlock.policy.types.Types.args;
import static dev.airlock.policy.types.Types.func;

import dev.airlock.policy.value.BoolValue;
import dev.airlock.policy.value.StringValue;
import java.util.List;

/** Type tests: is_number ... is_null (true or false, never undefined) and type_name. */
public final class TypeBuiltins {
    private TypeBuiltins() {}

    public static List<Builtin> declarations() {
        return List.of(
                is("is_number", "number"),
                is("is_string", "string"),
                is("is_boolean", "boolean"),
                is("is_array", "array"),
                is("is_set", "set"),
                is("is_object", "object"),
                is("is_null", "null"),
                Builtin.of("type_name", func(args(A), S),
                        "The type of x: null, boolean, number, string, array, object or set",
                        (ctx, a) -> StringValue.of(a.get(0).typeName())));
    }

    private static Builtin is(String name, String typeName) {
        return Builtin.of(name, func(args(A), B), "Whether x is a " + typeName,
                (ctx, a) -> BoolValue.of(a.get(0).typeName().equals(typeName)));
    }
}
