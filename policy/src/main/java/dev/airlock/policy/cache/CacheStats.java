package dev.airlock.policy.cache;

/**
 * Counters of a {@link DecisionCache}: lookups served from the cache, lookups that went to
 * the engine, evaluations passed to the engine without a lookup (input over the size limit, or
 * a path whose policy is not deterministic), decisions dropped for size or age, whole-cache
 * invalidations, and entries held.
 */
public record CacheStats(long hits, long misses, long uncacheable, long evictions, long invalidations, long size) {
    /** Hits over lookups, 0 when there were none. */
    public double hitRate() {
        long lookups = hits + misses;
        return lookups == 0 ? 0 : (double) hits / lookups;
    }
}
