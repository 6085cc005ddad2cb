package dev.airlock.policy.builtins;

import static dev.airlock.policy.builtins.Operands.set;
import static dev.airlock.policy.types.Types.A;
import static dev.airlock.policy.types.Types.args;
import static dev.airlock.policy.types.Types.func;
import static dev.airlock.policy.types.Types.setOf;

import dev.airlock.policy.value.SetValue;
import dev.airlock.policy.value.Value;
import java.util.List;
import java.util.TreeSet;

/** Sets: the {@code &} and {@code |} operators ({@code and}, {@code or}), intersection and union. */
public final class SetBuiltins {
    private SetBuiltins() {}

    public static List<Builtin> declarations() {
        return List.of(
                Builtin.of("and", func(args(setOf(A), setOf(A)), setOf(A)), "x & y: the intersection of two sets",
                        (ctx, a) -> {
                            TreeSet<Value> out = new TreeSet<>(set(a, 1).elements());
                            out.retainAll(set(a, 2).elements());
                            return SetValue.wrap(out);
                        }),
                Builtin.of("or", func(args(setOf(A), setOf(A)), setOf(A)), "x | y: the union of two sets",
                        (ctx, a) -> {
                            TreeSet<Value> out = new TreeSet<>(set(a, 1).elements());
                            out.addAll(set(a, 2).elements());
                            return SetValue.wrap(out);
                        }),
                Builtin.of("intersection", func(args(setOf(setOf(A))), setOf(A)), "The intersection of a set of sets",
                        (ctx, a) -> {
                            TreeSet<Value> out = null;
                            for (Value v : set(a, 1).elements()) {
                                if (!(v instanceof SetValue s)) throw Operands.elementError(1, a.get(0), v, "set");
                                if (out == null) out = new TreeSet<>(s.elements());
                                else out.retainAll(s.elements());
                            }
                            return out == null ? SetValue.EMPTY : SetValue.wrap(out);
                        }),
                Builtin.of("union", func(args(setOf(setOf(A))), setOf(A)), "The union of a set of sets",
                        (ctx, a) -> {
                            TreeSet<Value> out = new TreeSet<>();
                            for (Value v : set(a, 1).elements()) {
                                if (!(v instanceof SetValue s)) throw Operands.elementError(1, a.get(0), v, "set");
                                out.addAll(s.elements());
                            }
                            return SetValue.wrap(out);
                        }));
    }
}
