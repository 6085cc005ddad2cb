package dev.airlock.policy.topdown;

import java.time.Duration;

/**
 * Evaluation budgets, so a hostile or buggy policy cannot hang the host or exhaust its memory:
 * expressions evaluated, wall-clock time, nesting depth of rule and function evaluation, and
 * the size of any collection evaluation builds (comprehensions, multi-value and object rules).
 * Exceeding one is an {@code eval_limit_error}.
 */
public record Limits(long maxSteps, Duration maxTime, int maxDepth, int maxCollectionSize) {
    /** Elements one comprehension or rule may collect by default. */
    public static final int DEFAULT_MAX_COLLECTION = 1_000_000;

    public static final Limits DEFAULT = new Limits(50_000_000L, Duration.ofSeconds(10), 100, DEFAULT_MAX_COLLECTION);

    public Limits(long maxSteps, Duration maxTime, int maxDepth) {
        this(maxSteps, maxTime, maxDepth, DEFAULT_MAX_COLLECTION);
    }
}
