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
        assertEquals(7, plain.size(), "leaf 0xB became its three sub-leaves");
        assertTrue((plain.get(1).ecx() & 1 << 13) != 0, "no masks: CX16 stays");
    }

    private static CpuidEntry leaf(List<CpuidEntry> table, int function, int index) {
        return table.stream().filter(e -> e.function() == function && e.index() == index).findFirst().orElseThrow();
    }

    @Test
    void everyTopologyLeafDescribesOnePackageOfOneCorePerVcpu() {
        List<CpuidEntry> host = List.of(
                new CpuidEntry(1, 0, 0, 0xa00f11, 0x10_20800, 0, 0x078bfbff),
                new CpuidEntry(4, 0, 1, 0x1c004121, 0, 0, 0),     // Intel L1d shared by 2, 8 cores
                new CpuidEntry(4, 1, 1, 0x1c03c163, 0, 0, 0),     // Intel L3 shared by 16
                new CpuidEntry(4, 2, 1, 0, 0, 0, 0),              // no more caches
                new CpuidEntry(0xb, 0, 1, 0, 0, 0, 0),            // KVM: "no topology"
                new CpuidEntry(0x8000_0008, 0, 0, 0x3030, 0, 0x7001, 0),
                new CpuidEntry(0x8000_001d, 3, 1, 0x4163, 0, 0, 0), // AMD L3 shared by 2
                new CpuidEntry(0x8000_001e, 0, 0, 0, 0, 0, 0));
        List<CpuidEntry> cpu2 = CpuidFilter.NONE.apply(host, 2, 3);

        CpuidEntry leaf1 = leaf(cpu2, 1, 0);
        assertEquals(2, leaf1.ebx() >>> 24, "initial APIC id");
        assertEquals(3, leaf1.ebx() >> 16 & 0xff, "logical processors");
        assertEquals(1 << 28, leaf1.edx() & 1 << 28, "HTT: the count above is valid");
        assertEquals(0, CpuidFilter.NONE.apply(host, 0, 1).get(0).edx() & 1 << 28, "one vCPU: no HTT");

        assertEquals(0, leaf(cpu2, 4, 0).eax() >>> 14 & 0xfff, "L1 is not shared");
        assertEquals(2, leaf(cpu2, 4, 0).eax() >>> 26, "three cores per package, less one");
        assertEquals(0x121, leaf(cpu2, 4, 0).eax() & 0x3fff, "cache type and level kept");
        assertEquals(2, leaf(cpu2, 4, 1).eax() >>> 14 & 0xfff, "L3 shared by all three");
        assertEquals(0, leaf(cpu2, 4, 2).eax(), "the end marker stays");

        CpuidEntry threads = leaf(cpu2, 0xb, 0);
        CpuidEntry cores = leaf(cpu2, 0xb, 1);
        CpuidEntry end = leaf(cpu2, 0xb, 2);
        assertEquals(List.of(0, 1, 1 << 8, 2), List.of(threads.eax(), threads.ebx(), threads.ecx(), threads.edx()),
                "thread level: shift 0, one thread, type 1, x2APIC id");
        assertEquals(List.of(2, 3, 2 << 8 | 1, 2), List.of(cores.eax(), cores.ebx(), cores.ecx(), cores.edx()),
                "core level: shift 2 covers ids 0-2, three cores, type 2");
        assertEquals(List.of(0, 0, 2, 2), List.of(end.eax(), end.ebx(), end.ecx(), end.edx()), "level type 0 ends the list");
        assertTrue(cpu2.stream().filter(e -> e.function() == 0xb)
                .allMatch(e -> e.flags() == CpuidEntry.FLAG_SIGNIFICANT_INDEX), "sub-leaves are told apart");

        assertEquals(0x2002, leaf(cpu2, 0x8000_0008, 0).ecx(), "AMD: 2 APIC id bits for cores, 3 cores less one");
        assertEquals(2, leaf(cpu2, 0x8000_001d, 3).eax() >>> 14 & 0xfff, "AMD L3 shared by all three");
        CpuidEntry ext = leaf(cpu2, 0x8000_001e, 0);
        assertEquals(List.of(2, 2, 0), List.of(ext.eax(), ext.ebx(), ext.ecx()), "AMD: extended APIC id, core id, node 0");
    }
}
