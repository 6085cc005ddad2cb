package dev.airlock.policy;

import dev.airlock.policy.value.Value;

/**
 * The outcome of evaluating one document path: its value, or null when the document is
 * undefined (callers must treat undefined as deny), plus the policy revision that decided.
 */
public record Decision(String path, Value result, String revision, long evalNanos) {
    public boolean defined() {
        return result != null;
    }
}
