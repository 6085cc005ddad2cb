package dev.airlock.policy.builtins;

import dev.airlock.policy.value.Value;

/** What a builtin may know about the evaluation that calls it. One context per query. */
public interface BuiltinContext {
    /** Wall-clock time of the query's start in ns since the epoch; fixed for the whole query. */
    long queryTimeNanos();

    /** True when builtin errors must stop evaluation instead of making the call undefined. */
    boolean strictBuiltinErrors();

    /** True when builtins flagged {@link Builtin.Flag#NETWORK} may run. */
    boolean networkEnabled();

    /** The document {@code opa.runtime()} returns. */
    Value runtime();

    /** Receives {@code print(...)} output, one line per call. */
    void print(String line);

    /**
     * A per-query cache for builtins whose results must stay stable within one query (e.g.
     * {@code rand.intn}, {@code uuid.rfc4122} with the same key) or are expensive to rebuild.
     */
    java.util.Map<Object, Object> queryCache();
}
