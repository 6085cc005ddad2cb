package dev.airlock.policy.builtins;

import static dev.airlock.policy.types.Types.A;
import static dev.airlock.policy.types.Types.N;
import static dev.airlock.policy.types.Types.S;
import static dev.airlock.policy.types.Types.anyOf;
import static dev.airlock.policy.types.Types.args;
import static dev.airlock.policy.types.Types.arrayOf;
import static dev.airlock.policy.types.Types.func;
import static dev.airlock.policy.types.Types.objectOf;
import static dev.airlock.policy.types.Types.setOf;

import dev.airlock.policy.types.Type;
import dev.airlock.policy.value.ArrayValue;
import dev.airlock.policy.value.NumberValue;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.SetValue;
import dev.airlock.policy.value.StringValue;
import dev.airlock.policy.value.Value;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

/** Aggregates over collections: count, sum, product, max, min, sort. */
public final class AggregateBuiltins {
    private AggregateBuiltins() {}

    private static final Type NUMBERS = anyOf(arrayOf(N), setOf(N));
    private static final Type ANYS = anyOf(arrayOf(A), setOf(A));

    public static List<Builtin> declarations() {
        return List.of(
                Builtin.of("count", func(args(anyOf(arrayOf(A), objectOf(A, A), setOf(A), S)), N),
                        "The number of elements of a collection, or of characters of a string",
                        (ctx, a) -> switch (a.get(0)) {
                            case ArrayValue x -> NumberValue.of(x.size());
                            case ObjectValue x -> NumberValue.of(x.size());
                            case SetValue x -> NumberValue.of(x.size());
                            case StringValue x -> NumberValue.of(Operands.runeCount(x.value()));
                            default -> throw Operands.typeError(1, a.get(0), "array", "object", "set", "string");
                        }),
                Builtin.of("sum", func(args(NUMBERS), N), "The sum of an array or set of numbers",
                        (ctx, a) -> {
                            NumberValue total = NumberValue.ZERO;
                            for (NumberValue n : numbers(a.get(0))) total = ArithmeticBuiltins.plus(total, n);
                            return total;
                        }),
                Builtin.of("product", func(args(NUMBERS), N), "The product of an array or set of numbers",
                        (ctx, a) -> {
                            NumberValue total = NumberValue.ONE;
                            for (NumberValue n : numbers(a.get(0))) total = ArithmeticBuiltins.mul(total, n);
                            return total;
                        }),
                Builtin.of("max", func(args(ANYS), A), "The largest element of an array or set (undefined when empty)",
                        (ctx, a) -> {
                            Collection<Value> xs = elements(a.get(0));
                            return xs.isEmpty() ? null : Collections.max(xs);
                        }),
                Builtin.of("min", func(args(ANYS), A), "The smallest element of an array or set (undefined when empty)",
                        (ctx, a) -> {
                            Collection<Value> xs = elements(a.get(0));
                            return xs.isEmpty() ? null : Collections.min(xs);
                        }),
                Builtin.of("sort", func(args(ANYS), arrayOf(A)), "The elements of an array or set, sorted",
                        (ctx, a) -> {
                            List<Value> xs = new ArrayList<>(elements(a.get(0)));
                            Collections.sort(xs);
                            return new ArrayValue(xs);
                        }));
    }

    private static Collection<Value> elements(Value v) throws BuiltinException {
        return switch (v) {
            case ArrayValue x -> x.elements();
            case SetValue x -> x.elements();
            default -> throw Operands.typeError(1, v, "set", "array");
        };
    }

    private static List<NumberValue> numbers(Value v) throws BuiltinException {
        List<NumberValue> out = new ArrayList<>();
        for (Value x : elements(v)) {
            if (!(x instanceof NumberValue n)) throw Operands.elementError(1, v, x, "number");
            out.add(n);
        }
        return out;
    }
}
