package dev.airlock.policy.topdown;

import dev.airlock.policy.builtins.BuiltinContext;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.Value;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/** The {@link BuiltinContext} of one query evaluation. */
public final class QueryContext implements BuiltinContext {
    private final long queryTimeNanos;
    private final boolean strict;
    private final boolean network;
    private final Value runtime;
    private final Consumer<String> printSink;
    private final Map<Object, Object> cache = new HashMap<>();

    public QueryContext(long queryTimeNanos, boolean strict, boolean network, Value runtime, Consumer<String> printSink) {
        this.queryTimeNanos = queryTimeNanos;
        this.strict = strict;
        this.network = network;
        this.runtime = runtime == null ? ObjectValue.EMPTY : runtime;
        this.printSink = printSink == null ? s -> { } : printSink;
    }

    /** Now, not strict, no network, empty runtime, print discarded. */
    public static QueryContext defaults() {
        return new QueryContext(nowNanos(), false, false, ObjectValue.EMPTY, null);
    }

    public static long nowNanos() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    @Override
    public long queryTimeNanos() {
        return queryTimeNanos;
    }

    @Override
    public boolean strictBuiltinErrors() {
        return strict;
    }

    @Override
    public boolean networkEnabled() {
        return network;
    }

    @Override
    public Value runtime() {
        return runtime;
    }

    @Override
    public void print(String line) {
        printSink.accept(line);
    }

    @Override
    public Map<Object, Object> queryCache() {
        return cache;
    }
}
