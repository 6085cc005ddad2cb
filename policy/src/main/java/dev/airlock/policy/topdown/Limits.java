package dev.airlock.policy.topdown;

import java.time.Duration;

/**
 * Evaluation budgets, so a hostile or buggy policy cannot hang the host: expressions
 * evaluated, wall-clock time, and nesting depth of rule and function evaluation.
 */
public record Limits(long maxSteps, Duration maxTime, int maxDepth) {
    public static final Limits DEFAULT = new Limits(50_000_000L, Duration.ofSeconds(10), 100);
}
