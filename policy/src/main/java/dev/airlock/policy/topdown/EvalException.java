package dev.airlock.policy.topdown;

import dev.airlock.policy.ast.Location;
import dev.airlock.policy.ast.RegoError;

/** Stops evaluation with one error (conflict, type, builtin, limit); the error is the payload. */
public final class EvalException extends RuntimeException {
    private final RegoError error;

    public EvalException(String code, String message, Location location) {
        super(message, null, false, false);
        this.error = new RegoError(code, message, location);
    }

    public RegoError error() {
        return error;
    }
}
