package dev.airlock.policy;

import dev.airlock.policy.value.Value;

/**
 * The outcome of evaluating one document path: its value, or null when the document is
 * undefined (callers must treat undefined as deny), plus the policy revision that decided.
 * {@code decisionId} is the id a remote OPA gave the decision (for correlating with its
 * decision log), or null when there is none (embedded engine, OPA without decision logging).
 */
public record Decision(String path, Value result, String revision, long evalNanos, String decisionId) {
    public Decision(String path, Value result, String revision, long evalNanos) {
        this(path, result, revision, evalNanos, null);
    }

    public boolean defined() {
        return result != null;
    }
}
