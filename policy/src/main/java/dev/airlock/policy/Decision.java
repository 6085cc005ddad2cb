package dev.airlock.policy;

import dev.airlock.policy.value.Value;

/**
 * The outcome of evaluating one document path: its value, or null when the document is
 * undefined (callers must treat undefined as deny), plus the policy revision that decided.
 * {@code decisionId} is the id a remote OPA gave the decision (for correlating with its
 * decision log), or null when there is none (embedded engine, OPA without decision logging).
 * {@code deterministic} is false when the policy may answer the same input differently next
 * time (it can call {@code time.now_ns}, {@code http.send} and the like), so the decision must
 * not be reused; a remote OPA's policy is out of sight and its decisions are taken as
 * deterministic.
 */
public record Decision(String path, Value result, String revision, long evalNanos, String decisionId,
        boolean deterministic) {
    public boolean defined() {
        return result != null;
    }
}
