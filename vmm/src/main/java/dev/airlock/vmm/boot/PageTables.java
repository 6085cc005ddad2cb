package dev.airlock.vmm.boot;

import dev.airlock.vmm.memory.AddressMap;
import dev.airlock.vmm.memory.GuestMemory;

/**
 * The boot page tables: an identity map of the first 1 GiB with 2 MiB pages (one PML4 entry,
 * one PDPT entry, 512 PD entries), enough for the kernel, its zero page, command line and
 * initrd in a small VM. The kernel builds its own tables early.
 */
public final class PageTables {

    static final long PRESENT = 1;
    static final long WRITABLE = 2;
    static final long PAGE_SIZE_2M = 0x80;
    public static final long MAPPED_BYTES = 1L << 30;

    private PageTables() {}

    /** Writes the tables and returns the value for CR3. */
    public static long writeIdentityMap(GuestMemory memory) {
        memory.fill(AddressMap.PML4_ADDRESS, 3 * 4096, (byte) 0);
        memory.writeU64(AddressMap.PML4_ADDRESS, AddressMap.PDPT_ADDRESS | PRESENT | WRITABLE);
        memory.writeU64(AddressMap.PDPT_ADDRESS, AddressMap.PD_ADDRESS | PRESENT | WRITABLE);
        for (int i = 0; i < 512; i++) {
            memory.writeU64(AddressMap.PD_ADDRESS + 8L * i, ((long) i << 21) | PRESENT | WRITABLE | PAGE_SIZE_2M);
        }
        return AddressMap.PML4_ADDRESS;
    }
}
