package dev.airlock.vmm.boot;

/** Carries a {@link BootError} out of the loaders. */
public final class BootException extends Exception {

    private final BootError error;

    public BootException(BootError error) {
        super(error.message());
        this.error = error;
    }

    public BootError error() {
        return error;
    }
}
