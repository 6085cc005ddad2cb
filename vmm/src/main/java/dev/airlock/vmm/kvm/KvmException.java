package dev.airlock.vmm.kvm;

/** Thrown by the KVM bindings; {@link #error()} says what failed as a value. */
public final class KvmException extends RuntimeException {

    private final KvmError error;

    public KvmException(KvmError error) {
        super(error.message());
        this.error = error;
    }

    public KvmError error() {
        return error;
    }
}
