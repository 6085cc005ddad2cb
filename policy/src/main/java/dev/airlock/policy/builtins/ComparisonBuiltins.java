package dev.airlock.policy.builtins;

import static dev.airlock.policy.types.Types.A;
import static dev.airlock.policy.types.Types.B;
import static dev.airlock.policy.types.Types.args;
import static dev.airlock.policy.types.Types.func;

import dev.airlock.policy.value.BoolValue;
import java.util.List;
import java.util.function.IntPredicate;

/** The comparison operators {@code == != < <= > >=} under OPA's names, over OPA's total order. */
public final class ComparisonBuiltins {
    private ComparisonBuiltins() {}

    public static List<Builtin> declarations() {
        return List.of(
                compare("equal", "x == y: x is equal to y", c -> c == 0),
                compare("neq", "x != y: x is not equal to y", c -> c != 0),
                compare("lt", "x < y: x is less than y", c -> c < 0),
                compare("lte", "x <= y: x is less than or equal to y", c -> c <= 0),
                compare("gt", "x > y: x is greater than y", c -> c > 0),
                compare("gte", "x >= y: x is greater than or equal to y", c -> c >= 0));
    }

    private static Builtin compare(String name, String description, IntPredicate test) {
        return Builtin.of(name, func(args(A, A), B), description,
                (ctx, a) -> BoolValue.of(test.test(a.get(0).compareTo(a.get(1)))));
    }
}
