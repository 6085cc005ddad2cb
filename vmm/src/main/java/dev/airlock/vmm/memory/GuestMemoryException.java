package dev.airlock.vmm.memory;

/**
 * A monitor bug: code touched a guest-physical range outside guest RAM without validating it
 * first. Guest-supplied addresses are checked with {@link GuestMemory#contains} and counted
 * before they reach an accessor, so a guest can never cause this.
 */
public final class GuestMemoryException extends RuntimeException {
    public GuestMemoryException(long gpa, long length, long size) {
        super("guest-physical range 0x" + Long.toHexString(gpa) + "+" + length + " is outside guest RAM (0x0.."
                + "0x" + Long.toHexString(size) + ")");
    }
}
