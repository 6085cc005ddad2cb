package dev.airlock.policy.cache;

import dev.airlock.policy.value.Value;

/**
 * What a cached decision depends on. The generation and revision make stale entries
 * unreachable the moment the policy changes, even if an evaluation that started under the old
 * policy stores its result afterwards. {@code input} is the input value itself: values are
 * immutable, compare structurally (as Rego's equality does) and cache their hash, so a lookup
 * costs one walk of the input instead of writing it out as JSON.
 */
record CacheKey(long generation, String revision, String path, Value input) {}
