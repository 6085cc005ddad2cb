package dev.airlock.policy.rest;

/**
 * Thrown by {@link OpaRestEngine} when a remote OPA gave no decision. Callers deny (invariant 1)
 * and put {@link #getMessage()} in the audit record; {@link #failure()} tells the cases apart.
 */
public final class OpaException extends RuntimeException {
    private final transient OpaFailure failure;

    public OpaException(OpaFailure failure) {
        super(failure.message(), null, false, false);
        this.failure = failure;
    }

    public OpaFailure failure() {
        return failure;
    }
}
