package dev.airlock.policy.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.airlock.policy.Decision;
import dev.airlock.policy.PolicyEngine;
import dev.airlock.policy.value.ArrayValue;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.SetValue;
import dev.airlock.policy.value.StringValue;
import dev.airlock.policy.value.Value;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A {@link PolicyEngine} that remembers decisions of another one, keyed by (path, canonical
 * input), bounded in size and age.
 *
 * <p>Only defined results are cached: an undefined decision (a deny) and every error go to the
 * wrapped engine each time, so a transient OPA failure is never remembered and a fixed policy
 * takes effect at once. Decisions are tied to the policy revision that made them: when
 * {@link PolicyEngine#revision()} changes, earlier entries are no longer found, and
 * {@link #invalidate()} drops everything (for a remote OPA whose policy changed out of sight).
 *
 * <p>A decision the engine marks not {@linkplain Decision#deterministic() deterministic} (its
 * policy can call {@code time.now_ns}, {@code http.send}, ...) is never kept, and is counted
 * as uncacheable, like one whose input is over the size limit. Its path is remembered for the
 * revision that decided, so later evaluations go to the engine without a lookup.
 *
 * <p>A decision served from the cache carries no OPA decision id (OPA logged only the decision
 * it actually made) and reports the lookup time as its evaluation time. Ad-hoc queries are
 * passed through uncached.
 */
public final class DecisionCache implements PolicyEngine {
    private final PolicyEngine delegate;
    private final CacheOptions options;
    private final Cache<CacheKey, Decision> cache;
    private final LongAdder hits = new LongAdder();
    private final LongAdder misses = new LongAdder();
    private final LongAdder uncacheable = new LongAdder();
    private final LongAdder evictions = new LongAdder();
    private final AtomicLong invalidations = new AtomicLong();
    private final AtomicLong generation = new AtomicLong();
    private volatile String lastRevision;
    /**
     * Paths whose last decision was not deterministic, with the revision that made it. Checked
     * before the lookup, so such a path costs no hashing of its input; bounded, since paths are
     * the caller's strings.
     */
    private final Map<String, String> nondeterministicPaths = new ConcurrentHashMap<>();
    private static final int MAX_NONDETERMINISTIC_PATHS = 1024;

    public DecisionCache(PolicyEngine delegate, CacheOptions options) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.options = Objects.requireNonNull(options, "options");
        this.cache = Caffeine.newBuilder()
                .maximumSize(options.maxEntries())
                .expireAfterWrite(options.ttl())
                .ticker(options.clock()::getAsLong)
                // Evictions run on the calling thread: no background executor to leak or race in tests.
                .executor(Runnable::run)
                .removalListener((CacheKey k, Decision d, com.github.benmanes.caffeine.cache.RemovalCause cause) -> {
                    if (cause.wasEvicted()) evictions.increment();
                })
                .build();
    }

    public DecisionCache(PolicyEngine delegate) {
        this(delegate, CacheOptions.DEFAULT);
    }

    public PolicyEngine delegate() {
        return delegate;
    }

    @Override
    public Decision evaluate(String path, Value input) {
        long start = System.nanoTime();
        long gen = generation.get();
        String revision = delegate.revision();
        if (!Objects.equals(revision, lastRevision)) {
            // The policy changed. Entries of other revisions can no longer be hit (the revision is
            // part of the key); free them now. Entries already under the new revision stay: a
            // remote engine learns its new revision from the very answer that was just cached.
            if (lastRevision != null) {
                invalidations.incrementAndGet();
                cache.asMap().keySet().removeIf(k -> !Objects.equals(k.revision(), revision));
                nondeterministicPaths.values().removeIf(r -> !Objects.equals(r, revision));
            }
            lastRevision = revision;
        }
        boolean cacheable = (input == null || jsonSizeWithin(input, options.maxInputChars()) >= 0)
                && !(revision != null && revision.equals(nondeterministicPaths.get(path)));
        if (!cacheable) {
            uncacheable.increment();
            return delegate.evaluate(path, input);
        }
        Decision cached = cache.getIfPresent(new CacheKey(gen, revision, path, input));
        if (cached != null) {
            hits.increment();
            return new Decision(cached.path(), cached.result(), cached.revision(), System.nanoTime() - start, null, true);
        }
        Decision decision;
        try {
            decision = delegate.evaluate(path, input);
        } catch (RuntimeException e) {
            misses.increment(); // errors are never cached: the next lookup misses again
            throw e;
        }
        if (!decision.deterministic()) {
            uncacheable.increment();
            rememberNondeterministic(path, decision.revision());
        } else {
            misses.increment();
            // Keyed by the revision that decided; a remote engine learns its revision from this very answer.
            if (decision.defined()) cache.put(new CacheKey(gen, decision.revision(), path, input), decision);
        }
        return decision;
    }

    private void rememberNondeterministic(String path, String revision) {
        if (revision == null) return; // nothing to tie it to; the next decision tells again
        if (nondeterministicPaths.size() < MAX_NONDETERMINISTIC_PATHS || nondeterministicPaths.containsKey(path)) {
            nondeterministicPaths.put(path, revision);
        }
    }

    /**
     * What is left of {@code budget} after the size of {@code v} written as JSON (strings
     * counted without escapes), or a negative number once it is spent: the walk stops there,
     * so a huge input costs no more than the budget to reject.
     */
    static long jsonSizeWithin(Value v, long budget) {
        switch (v) {
            case StringValue s -> budget -= s.value().length() + 2;
            case ArrayValue a -> {
                budget -= 2;
                for (Value e : a.elements()) if ((budget = jsonSizeWithin(e, budget - 1)) < 0) return budget;
            }
            case SetValue s -> {
                budget -= 2;
                for (Value e : s.elements()) if ((budget = jsonSizeWithin(e, budget - 1)) < 0) return budget;
            }
            case ObjectValue o -> {
                budget -= 2;
                for (Map.Entry<Value, Value> e : o.entries().entrySet()) {
                    if ((budget = jsonSizeWithin(e.getKey(), budget - 2)) < 0) return budget;
                    if ((budget = jsonSizeWithin(e.getValue(), budget)) < 0) return budget;
                }
            }
            default -> budget -= v.toString().length();
        }
        return budget;
    }

    @Override
    public List<Map<String, Value>> query(String rego, Value input) {
        return delegate.query(rego, input);
    }

    @Override
    public String revision() {
        return delegate.revision();
    }

    /** Drops every cached decision; decisions being evaluated right now will not be cached either. */
    public void invalidate() {
        invalidateAll();
    }

    private void invalidateAll() {
        generation.incrementAndGet();
        invalidations.incrementAndGet();
        cache.invalidateAll();
    }

    public long hits() {
        return hits.sum();
    }

    public long misses() {
        return misses.sum();
    }

    public long uncacheable() {
        return uncacheable.sum();
    }

    public CacheStats stats() {
        cache.cleanUp();
        return new CacheStats(hits.sum(), misses.sum(), uncacheable.sum(), evictions.sum(), invalidations.get(),
                cache.estimatedSize());
    }
}
