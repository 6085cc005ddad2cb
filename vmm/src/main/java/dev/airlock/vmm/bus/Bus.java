package dev.airlock.vmm.bus;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An address space (port I/O or MMIO) mapping non-overlapping ranges to devices. Devices are
 * registered before the vCPUs start; lookups afterwards need no locking.
 */
public final class Bus {

    private record Range(long base, long length, BusDevice device) {}

    private final String name;
    private final TreeMap<Long, Range> ranges = new TreeMap<>();
    /** Guest accesses that hit no device (reads return all-ones for ports, zero for MMIO). */
    private final AtomicLong unmappedAccesses = new AtomicLong();

    public Bus(String name) {
        this.name = name;
    }

    public synchronized void register(long base, long length, BusDevice device) {
        if (length <= 0 || base < 0 || base + length < base) {
            throw new IllegalArgumentException(name + ": bad range 0x" + Long.toHexString(base) + "+" + length);
        }
        Map.Entry<Long, Range> below = ranges.floorEntry(base + length - 1);
        if (below != null && below.getValue().base + below.getValue().length > base) {
            throw new IllegalArgumentException(name + ": range 0x" + Long.toHexString(base) + "+" + length
                    + " overlaps the device at 0x" + Long.toHexString(below.getKey()));
        }
        ranges.put(base, new Range(base, length, device));
    }

    private Range find(long address, int width) {
        Map.Entry<Long, Range> e = ranges.floorEntry(address);
        if (e == null) {
            return null;
        }
        Range r = e.getValue();
        return address + width <= r.base + r.length ? r : null;
    }

    /** Dispatches a guest read; false (and {@code data} left as is) when no device claims it. */
    public boolean read(long address, byte[] data) {
        Range r = find(address, data.length);
        if (r == null) {
            unmappedAccesses.incrementAndGet();
            return false;
        }
        r.device.read(address - r.base, data);
        return true;
    }

    /** Dispatches a guest write; false when no device claims it. */
    public boolean write(long address, byte[] data) {
        Range r = find(address, data.length);
        if (r == null) {
            unmappedAccesses.incrementAndGet();
            return false;
        }
        r.device.write(address - r.base, data);
        return true;
    }

    public long unmappedAccesses() {
        return unmappedAccesses.get();
    }
}
