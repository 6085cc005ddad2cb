package dev.airlock.gateway.upstream;

/**
 * Why an allowed flow could not reach its destination. {@code refusedByGuard} distinguishes
 * "airlock refused this address" (403, audited as a denial) from network failures (502).
 */
public final class DialFailure extends Exception {
    private final boolean refusedByGuard;

    public DialFailure(String message, boolean refusedByGuard) {
        super(message, null, false, false);
        this.refusedByGuard = refusedByGuard;
    }

    public boolean refusedByGuard() {
        return refusedByGuard;
    }
}
