package dev.airlock.policy.cache;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Bounds of a {@link DecisionCache}.
 *
 * @param maxEntries    decisions kept at most (least recently/frequently used go first)
 * @param ttl           how long a decision is served after it was made; bounds staleness when
 *                      the policy changes somewhere the cache cannot see (a remote OPA's bundles)
 * @param maxInputChars inputs whose JSON form is longer (strings counted without escapes) are
 *                      evaluated but never cached, so {@code maxEntries × maxInputChars}
 *                      bounds the memory keys take
 * @param clock         nanosecond clock for the TTL ({@link System#nanoTime} outside tests)
 */
public record CacheOptions(long maxEntries, Duration ttl, int maxInputChars, LongSupplier clock) {
    public static final CacheOptions DEFAULT = new CacheOptions(10_000, Duration.ofSeconds(10), 16 * 1024, System::nanoTime);

    public CacheOptions {
        if (maxEntries < 1) throw new IllegalArgumentException("maxEntries must be at least 1");
        if (ttl == null || ttl.isZero() || ttl.isNegative()) throw new IllegalArgumentException("ttl must be positive");
        if (maxInputChars < 1) throw new IllegalArgumentException("maxInputChars must be at least 1");
        if (clock == null) throw new IllegalArgumentException("clock is required");
    }

    public CacheOptions withMaxEntries(long n) {
        return new CacheOptions(n, ttl, maxInputChars, clock);
    }

    public CacheOptions withTtl(Duration t) {
        return new CacheOptions(maxEntries, t, maxInputChars, clock);
    }

    public CacheOptions withMaxInputChars(int n) {
        return new CacheOptions(maxEntries, ttl, n, clock);
    }

    public CacheOptions withClock(LongSupplier c) {
        return new CacheOptions(maxEntries, ttl, maxInputChars, c);
    }
}
