package dev.airlock.policy.builtins;

import static dev.airlock.policy.builtins.Operands.array;
import static dev.airlock.policy.builtins.Operands.integer;
import static dev.airlock.policy.types.Types.A;
import static dev.airlock.policy.types.Types.N;
import static dev.airlock.policy.types.Types.args;
import static dev.airlock.policy.types.Types.arrayOf;
import static dev.airlock.policy.types.Types.func;

import dev.airlock.policy.value.ArrayValue;
import dev.airlock.policy.value.Value;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/** Arrays: array.concat, array.slice, array.reverse, array.flatten. */
public final class ArrayBuiltins {
    private ArrayBuiltins() {}

    public static List<Builtin> declarations() {
        return List.of(
                Builtin.of("array.concat", func(args(arrayOf(A), arrayOf(A)), arrayOf(A)),
                        "The elements of x followed by the elements of y",
                        (ctx, a) -> {
                            ArrayValue x = array(a, 1);
                            ArrayValue y = array(a, 2);
                            List<Value> out = new ArrayList<>(x.elements());
                            out.addAll(y.elements());
                            return new ArrayValue(out);
                        }),
                Builtin.of("array.slice", func(args(arrayOf(A), N, N), arrayOf(A)),
                        "The elements from index start (inclusive) to stop (exclusive), indices clamped to the array",
                        (ctx, a) -> {
                            ArrayValue x = array(a, 1);
                            int start = clamp(integer(a, 2), x.size());
                            int stop = clamp(integer(a, 3), x.size());
                            if (start >= stop) return ArrayValue.EMPTY;
                            return new ArrayValue(x.elements().subList(start, stop));
                        }),
                Builtin.of("array.reverse", func(args(arrayOf(A)), arrayOf(A)), "The elements in reverse order",
                        (ctx, a) -> new ArrayValue(array(a, 1).elements().reversed())),
                Builtin.of("array.flatten", func(args(arrayOf(A)), arrayOf(A)),
                        "The array with nested arrays one level deep replaced by their elements",
                        (ctx, a) -> {
                            List<Value> out = new ArrayList<>();
                            for (Value v : array(a, 1).elements()) {
                                if (v instanceof ArrayValue inner) out.addAll(inner.elements());
                                else out.add(v);
                            }
                            return new ArrayValue(out);
                        }));
    }

    private static int clamp(BigInteger i, int size) {
        if (i.signum() < 0) return 0;
        return i.compareTo(BigInteger.valueOf(size)) > 0 ? size : i.intValue();
    }
}
