package dev.airlock.vmm.boot;

import dev.airlock.vmm.kvm.Segment;
import dev.airlock.vmm.memory.GuestMemory;
import java.util.List;

/**
 * The boot GDT. Entries are built from an access byte, a flags nibble, base and limit, exactly
 * as the CPU lays them out, and {@link #segment} derives the matching hidden segment state so
 * that what KVM is told and what the table holds cannot disagree.
 *
 * <p>Selectors follow the Linux boot protocol: {@code __BOOT_CS} 0x10, {@code __BOOT_DS} 0x18,
 * and the TSS at 0x20.
 */
public final class Gdt {

    public static final int CODE_SELECTOR = 0x10;
    public static final int DATA_SELECTOR = 0x18;
    public static final int TSS_SELECTOR = 0x20;

    /** Access bytes: present, ring 0; code execute/read, data read/write, busy 32-bit TSS (all "accessed"). */
    static final int ACCESS_CODE = 0x9b;
    static final int ACCESS_DATA = 0x93;
    static final int ACCESS_TSS = 0x8b;
    /** Flags nibble: G (4 KiB granularity), D/B (32-bit), L (64-bit code). */
    static final int FLAG_G = 0x8;
    static final int FLAG_DB = 0x4;
    static final int FLAG_L = 0x2;

    private final List<Long> entries;

    private Gdt(List<Long> entries) {
        this.entries = entries;
    }

    /** Null, null, 64-bit code, data, TSS: for the 64-bit Linux entry. */
    public static Gdt longMode() {
        return new Gdt(List.of(0L, 0L, entry(ACCESS_CODE, FLAG_G | FLAG_L, 0, 0xfffff),
                entry(ACCESS_DATA, FLAG_G | FLAG_DB, 0, 0xfffff), entry(ACCESS_TSS, 0, 0, 0x67)));
    }

    /** Null, null, 32-bit code, data, TSS: for the PVH entry. */
    public static Gdt protectedMode32() {
        return new Gdt(List.of(0L, 0L, entry(ACCESS_CODE, FLAG_G | FLAG_DB, 0, 0xfffff),
                entry(ACCESS_DATA, FLAG_G | FLAG_DB, 0, 0xfffff), entry(ACCESS_TSS, 0, 0, 0x67)));
    }

    /** Encodes one 8-byte descriptor. {@code limit} is 20 bits (in 4 KiB units when G is set). */
    static long entry(int access, int flags, long base, long limit) {
        return (limit & 0xffffL)
                | (base & 0xffffffL) << 16
                | (long) (access & 0xff) << 40
                | (limit >> 16 & 0xfL) << 48
                | (long) (flags & 0xf) << 52
                | (base >> 24 & 0xffL) << 56;
    }

    public List<Long> entries() {
        return entries;
    }

    public int limit() {
        return entries.size() * 8 - 1;
    }

    public void writeTo(GuestMemory memory, long address) {
        for (int i = 0; i < entries.size(); i++) {
            memory.writeU64(address + 8L * i, entries.get(i));
        }
    }

    /** The hidden segment state for {@code selector}, decoded from its descriptor. */
    public Segment segment(int selector) {
        long e = entries.get(selector >> 3);
        long base = (e >> 16 & 0xffffffL) | (e >> 56 & 0xffL) << 24;
        long rawLimit = (e & 0xffffL) | (e >> 48 & 0xfL) << 16;
        int access = (int) (e >> 40 & 0xff);
        int flags = (int) (e >> 52 & 0xf);
        int g = (flags & FLAG_G) != 0 ? 1 : 0;
        long limit = g == 1 ? (rawLimit << 12) | 0xfff : rawLimit;
        return new Segment(base, (int) limit, selector, access & 0xf, (access & 0x80) != 0, access >> 5 & 3,
                (flags & FLAG_DB) != 0 ? 1 : 0, access >> 4 & 1, (flags & FLAG_L) != 0 ? 1 : 0, g, flags & 1, false);
    }
}
