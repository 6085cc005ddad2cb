package dev.airlock.policy;

import dev.airlock.policy.topdown.Limits;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.Value;
import java.util.function.Consumer;

/**
 * Per-engine evaluation settings: strict builtin errors, network builtins, the document
 * {@code opa.runtime()} returns, where {@code print} output goes, and budgets.
 */
public record EvalOptions(boolean strictBuiltinErrors, boolean network, Value runtime, Consumer<String> print,
        Limits limits) {
    public static final EvalOptions DEFAULT = new EvalOptions(false, false, ObjectValue.EMPTY, null, Limits.DEFAULT);

    public EvalOptions withStrict(boolean strict) {
        return new EvalOptions(strict, network, runtime, print, limits);
    }

    public EvalOptions withPrint(Consumer<String> sink) {
        return new EvalOptions(strictBuiltinErrors, network, runtime, sink, limits);
    }

    public EvalOptions withLimits(Limits l) {
        return new EvalOptions(strictBuiltinErrors, network, runtime, print, l);
    }

    public EvalOptions withRuntime(Value r) {
        return new EvalOptions(strictBuiltinErrors, network, r, print, limits);
    }
}
