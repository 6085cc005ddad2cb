package dev.airlock.vmm.boot;

import dev.airlock.vmm.memory.AddressMap;
import java.util.List;

/**
 * The guest's physical memory map as the firmware-style e820 table: usable RAM below the EBDA,
 * the reserved legacy hole up to 1 MiB (ACPI tables live there), and RAM from 1 MiB to the end.
 */
public final class E820Map {

    public static final int RAM = 1;
    public static final int RESERVED = 2;

    /** One e820 entry: 20 bytes on the wire (u64 addr, u64 size, u32 type). */
    public record Entry(long address, long size, int type) {}

    private E820Map() {}

    public static List<Entry> forRam(long ramSize) {
        if (ramSize <= AddressMap.KERNEL_ADDRESS) {
            throw new IllegalArgumentException("guest RAM must extend past 1 MiB");
        }
        return List.of(
                new Entry(0, AddressMap.EBDA_START, RAM),
                new Entry(AddressMap.EBDA_START, AddressMap.KERNEL_ADDRESS - AddressMap.EBDA_START, RESERVED),
                new Entry(AddressMap.KERNEL_ADDRESS, ramSize - AddressMap.KERNEL_ADDRESS, RAM));
    }
}
