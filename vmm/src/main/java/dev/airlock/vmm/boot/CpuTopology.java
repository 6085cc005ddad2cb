package dev.airlock.vmm.boot;

import dev.airlock.vmm.kvm.CpuidEntry;
import java.util.List;

/**
 * The CPU topology every microVM reports: one package of {@code cpuCount} cores, one thread per
 * core, and vCPU {@code i} has APIC id {@code i} (the id {@code KVM_CREATE_VCPU} was given,
 * which is also what the in-kernel local APIC and the MADT say). {@code KVM_GET_SUPPORTED_CPUID}
 * leaves topology to the monitor — it reports the host's counts or zeros — so each leaf that
 * describes it is rewritten here, for Intel and AMD guests alike:
 * <ul>
 *   <li>leaf 1: EBX[31:24] APIC id, EBX[23:16] logical processor count, EDX.HTT when more than one;</li>
 *   <li>leaves 4 (Intel) and 0x8000001D (AMD), cache topology: EAX[25:14] threads sharing the
 *       cache less one (every core shares level 3, nothing shares levels 1 and 2); leaf 4
 *       EAX[31:26] cores per package less one;</li>
 *   <li>leaves 0xB and 0x1F, extended topology: sub-leaf 0 the thread level (shift 0, one
 *       thread), sub-leaf 1 the core level (shift to cover {@code cpuCount} ids), sub-leaf 2
 *       the end marker; EDX is the x2APIC id on every sub-leaf;</li>
 *   <li>leaf 0x80000008 (AMD): ECX[7:0] cores less one, ECX[15:12] APIC id bits for cores;</li>
 *   <li>leaf 0x8000001E (AMD): EAX extended APIC id, EBX core id (one thread per core), ECX node 0.</li>
 * </ul>
 */
record CpuTopology(int apicId, int cpuCount) {

    static final int HTT = 1 << 28;
    static final int LEVEL_THREAD = 1;
    static final int LEVEL_CORE = 2;

    /** Bits of the APIC id that number the cores: ceil(log2(cpuCount)). */
    int coreIdBits() {
        return 32 - Integer.numberOfLeadingZeros(cpuCount - 1);
    }

    CpuidEntry leaf1(CpuidEntry e) {
        int ebx = (e.ebx() & 0x0000ffff) | (apicId & 0xff) << 24 | (cpuCount & 0xff) << 16;
        int edx = cpuCount > 1 ? e.edx() | HTT : e.edx() & ~HTT;
        return e.withEbx(ebx).withEdx(edx);
    }

    /** Leaf 4 or 0x8000001D: one sub-leaf per cache, type in EAX[4:0] (0: no more caches), level in EAX[7:5]. */
    CpuidEntry cache(CpuidEntry e) {
        if ((e.eax() & 0x1f) == 0) {
            return e;
        }
        int level = e.eax() >>> 5 & 7;
        int sharing = level >= 3 ? cpuCount : 1;
        int eax = (e.eax() & ~(0xfff << 14)) | (sharing - 1) << 14;
        if (e.function() == 4) {
            eax = (eax & 0x03ff_ffff) | (cpuCount - 1) << 26;
        }
        return e.withEax(eax);
    }

    /** The sub-leaves of leaf 0xB or 0x1F (same format), replacing whatever KVM reported. */
    List<CpuidEntry> extendedTopology(int function) {
        int flags = CpuidEntry.FLAG_SIGNIFICANT_INDEX;
        return List.of(
                new CpuidEntry(function, 0, flags, 0, 1, LEVEL_THREAD << 8, apicId),
                new CpuidEntry(function, 1, flags, coreIdBits(), cpuCount, LEVEL_CORE << 8 | 1, apicId),
                new CpuidEntry(function, 2, flags, 0, 0, 2, apicId));
    }

    CpuidEntry amdSizes(CpuidEntry e) {
        int ecx = (e.ecx() & ~0xf0ff) | coreIdBits() << 12 | (cpuCount - 1);
        return e.withEcx(ecx);
    }

    CpuidEntry amdExtendedApicId(CpuidEntry e) {
        return new CpuidEntry(e.function(), e.index(), e.flags(), apicId, apicId & 0xff, 0, 0);
    }
}
