package dev.airlock.policy.conformance;

/** The outcome of one conformance case; {@code detail} explains a failure in a few lines. */
public record CaseResult(ConformanceCase c, boolean passed, String detail) {}
