package dev.airlock.policy.conformance;

import static dev.airlock.policy.types.Types.NULL;
import static dev.airlock.policy.types.Types.S;
import static dev.airlock.policy.types.Types.args;
import static dev.airlock.policy.types.Types.func;

import dev.airlock.policy.builtins.Builtin;
import dev.airlock.policy.builtins.BuiltinException;
import dev.airlock.policy.value.NullValue;
import dev.airlock.policy.value.StringValue;
import java.util.List;
import java.util.Set;

/**
 * Builtins that exist only for conformance runs, as OPA's own test runner registers them.
 * They are never part of {@code BuiltinRegistry.standard()}: a policy the gateway loads cannot
 * call them.
 */
final class ConformanceBuiltins {
    private ConformanceBuiltins() {}

    /** Longest sleep {@code test.sleep} accepts; the suite sleeps for milliseconds. */
    static final long MAX_SLEEP_MILLIS = 1_000;

    static List<Builtin> declarations() {
        return List.of(Builtin.of("test.sleep", func(args(S), NULL),
                "Sleeps for a Go duration (at most one second); for checking that time is fixed per query",
                Set.of(Builtin.Flag.NONDETERMINISTIC), (ctx, a) -> {
                    if (!(a.getFirst() instanceof StringValue s)) {
                        throw BuiltinException.type("operand 1 must be string but got " + a.getFirst().typeName());
                    }
                    long millis = Math.min(MAX_SLEEP_MILLIS, durationMillis(s.value()));
                    try {
                        Thread.sleep(millis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return NullValue.NULL;
                }));
    }

    /** Milliseconds of a simple Go duration such as {@code 10ms} or {@code 1s}. */
    private static long durationMillis(String text) throws BuiltinException {
        try {
            if (text.endsWith("ms")) return Long.parseLong(text.substring(0, text.length() - 2));
            if (text.endsWith("s")) return Long.parseLong(text.substring(0, text.length() - 1)) * 1000;
        } catch (NumberFormatException e) {
            // fall through
        }
        throw BuiltinException.error("test.sleep: invalid duration " + text);
    }
}
