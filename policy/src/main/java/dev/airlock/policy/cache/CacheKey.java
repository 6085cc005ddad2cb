package dev.airlock.policy.cache;

/**
 * What a cached decision depends on. The generation and revision make stale entries
 * unreachable the moment the policy changes, even if an evaluation that started under the old
 * policy stores its result afterwards. {@code input} is the canonical JSON of the input (objects
 * and sets are ordered, so equal values give equal text), or null for no input.
 */
record CacheKey(long generation, String revision, String path, String input) {}
