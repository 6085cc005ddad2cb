package dev.airlock.vmm.bus;

/**
 * A device reached through port I/O or MMIO. Offsets are relative to the base the device was
 * registered at; {@code data.length} is the access width (1, 2, 4 or 8 bytes), little-endian.
 * Implementations handle any offset and width without throwing: a guest may access anything.
 */
public interface BusDevice {

    /** Fills {@code data} with what the guest reads at {@code offset}. */
    void read(long offset, byte[] data);

    /** Accepts what the guest writes at {@code offset}. */
    void write(long offset, byte[] data);
}
