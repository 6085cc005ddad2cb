package dev.airlock.vmm.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.vmm.kvm.CpuidEntry;
import dev.airlock.vmm.kvm.Segment;
import dev.airlock.vmm.memory.AddressMap;
import dev.airlock.vmm.memory.GuestMemory;
import dev.airlock.vmm.testing.TestMemory;
import java.util.List;
import org.junit.jupiter.api.Test;

class GdtAndCpuidTest {

    @Test
    void descriptorsMatchTheArchitecturalFlatEncodings() {
        // Intel SDM vol. 3, 3.4.5: the canonical flat descriptors every x86-64 loader uses.
        Gdt g = Gdt.longMode();
        assertEquals(0x00af9b000000ffffL, g.entries().get(2), "64-bit code, base 0, limit 4 GiB");
        assertEquals(0x00cf93000000ffffL, g.entries().get(3), "data, base 0, limit 4 GiB");
        assertEquals(0x00cf9b000000ffffL, Gdt.protectedMode32().entries().get(2), "32-bit code");
        assertEquals(0x0000_8b00_0000_0067L, g.entries().get(4), "busy 32-bit TSS, limit 0x67");
        assertEquals(0x1200_9334_5678_0000L, Gdt.entry(0x93, 0, 0x12345678L, 0),
                "base 15:0 at bit 16, 23:16 at bit 32, 31:24 at bit 56; access byte at bit 40");
    }

    @Test
    void segmentsDecodeFromTheTable() {
        Gdt g = Gdt.longMode();
        Segment cs = g.segment(Gdt.CODE_SELECTOR);
        assertEquals(new Segment(0, 0xffffffff, 0x10, 0xb, true, 0, 0, 1, 1, 1, 0, false), cs);
        Segment ds = g.segment(Gdt.DATA_SELECTOR);
        assertEquals(new Segment(0, 0xffffffff, 0x18, 0x3, true, 0, 1, 1, 0, 1, 0, false), ds);
        Segment tr = g.segment(Gdt.TSS_SELECTOR);
        assertEquals(new Segment(0, 0x67, 0x20, 0xb, true, 0, 0, 0, 0, 0, 0, false), tr);
        GuestMemory m = TestMemory.of(1 << 20);
        g.writeTo(m, AddressMap.GDT_ADDRESS);
        assertEquals(0x00af9b000000ffffL, m.readU64(AddressMap.GDT_ADDRESS + 0x10));
        assertEquals(39, g.limit());
    }

    @Test
    void identityMapCoversTheFirstGigabyteWith2MiBPages() {
        GuestMemory m = TestMemory.of(1 << 20);
        long cr3 = PageTables.writeIdentityMap(m);
        assertEquals(AddressMap.PML4_ADDRESS, cr3);
        assertEquals(AddressMap.PDPT_ADDRESS | 3, m.readU64(AddressMap.PML4_ADDRESS));
        assertEquals(AddressMap.PD_ADDRESS | 3, m.readU64(AddressMap.PDPT_ADDRESS));
        for (int i = 0; i < 512; i++) {
            long e = m.readU64(AddressMap.PD_ADDRESS + 8L * i);
            assertEquals((long) i << 21, e & ~0xfffL, "PD[" + i + "] maps itself");
            assertEquals(0x83, e & 0xfff, "present, writable, 2 MiB");
        }
        assertEquals(0, m.readU64(AddressMap.PML4_ADDRESS + 8), "only one PML4 entry");
    }

    @Test
    void cpuidFilterSetsTopologyAndHypervisorAndClearsMaskedBits() {
        List<CpuidEntry> host = List.of(
                new CpuidEntry(0, 0, 0, 0xd, 0x756e6547, 0x6c65746e, 0x49656e69),
                new CpuidEntry(1, 0, 0, 0x806f8, 0xff_08_0800, 0x7ffa3203 | 1 << 13 | 1 << 26 | 1 << 28, 0x1f8bfbff),
                new CpuidEntry(7, 0, 1, 0, 1 << 5 | 1 << 3, 0, 0),
                new CpuidEntry(0xb, 0, 1, 1, 1, 0x100, 99),
                new CpuidEntry(0xd, 0, 1, 0x7, 0x340, 0x340, 0));
        List<CpuidEntry> out = CpuidFilter.NESTED_SAFE.apply(host, 2, 4);
        CpuidEntry leaf1 = out.stream().filter(e -> e.function() == 1).findFirst().orElseThrow();
        assertEquals(2, leaf1.ebx() >>> 24, "APIC id");
        assertEquals(4, leaf1.ebx() >> 16 & 0xff, "logical processors");
        assertEquals(0x0800, leaf1.ebx() & 0xffff, "CLFLUSH size and brand kept");
        assertTrue((leaf1.ecx() & 1 << 31) != 0, "hypervisor bit");
        assertEquals(0, leaf1.ecx() & (1 << 13), "CX16 cleared");
        assertEquals(0, leaf1.ecx() & (1 << 26 | 1 << 28), "XSAVE and AVX cleared");
        assertEquals(0x1f8bfbff, leaf1.edx(), "EDX untouched");
        CpuidEntry leaf7 = out.stream().filter(e -> e.function() == 7).findFirst().orElseThrow();
        assertEquals(1 << 3, leaf7.ebx(), "AVX2 cleared, BMI1 kept");
        assertEquals(2, out.stream().filter(e -> e.function() == 0xb).findFirst().orElseThrow().edx(), "x2APIC id");
        assertFalse(out.stream().anyMatch(e -> e.function() == 0xd), "XSAVE leaf dropped");

        List<CpuidEntry> plain = CpuidFilter.NONE.apply(host, 0, 1);
        assertEquals(5, plain.size());
        assertTrue((plain.get(1).ecx() & 1 << 13) != 0, "no masks: CX16 stays");
    }
}
