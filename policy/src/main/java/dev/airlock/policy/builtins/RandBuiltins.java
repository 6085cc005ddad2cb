package dev.airlock.policy.builtins;

import static dev.airlock.policy.builtins.Operands.string;
import static dev.airlock.policy.types.Types.N;
import static dev.airlock.policy.types.Types.S;
import static dev.airlock.policy.types.Types.args;
import static dev.airlock.policy.types.Types.func;

import dev.airlock.policy.value.NumberValue;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.List;

/** rand.intn: a random integer in [0, n), the same for the same key and n within one query. */
public final class RandBuiltins {
    private RandBuiltins() {}

    private static final SecureRandom RANDOM = new SecureRandom();

    public static List<Builtin> declarations() {
        return List.of(Builtin.of("rand.intn", func(args(S, N), N),
                "A random integer in [0, n); stable for the same key and n within a query",
                EnumSet.of(Builtin.Flag.NONDETERMINISTIC),
                (ctx, a) -> {
                    String key = string(a, 1);
                    BigInteger n = Operands.integer(a, 2).abs();
                    if (n.signum() == 0) return NumberValue.ZERO;
                    return (NumberValue) ctx.queryCache().computeIfAbsent(List.of("rand.intn", key, n),
                            k -> NumberValue.of(new BigInteger(n.bitLength() + 64, RANDOM).mod(n)));
                }));
    }
}
