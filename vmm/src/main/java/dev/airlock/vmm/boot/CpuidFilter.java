package dev.airlock.vmm.boot;

import dev.airlock.vmm.kvm.CpuidEntry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns the CPUID leaves KVM supports on this host into what one vCPU reports:
 * <ul>
 *   <li>the topology leaves say what {@link CpuTopology} describes (one package, one core per
 *       vCPU, APIC id = vCPU index);</li>
 *   <li>leaf 1 ECX bit 31 ("running under a hypervisor") is set;</li>
 *   <li>then every configured {@link Mask} clears its bits, and leaves listed in
 *       {@code droppedLeaves} are removed.</li>
 * </ul>
 * Some nested hosts advertise features their guests cannot use: {@link #NESTED_SAFE} removes
 * CMPXCHG16B and the XSAVE family (XSAVE, OSXSAVE, AVX and what needs AVX, and leaf 0xD).
 */
public final class CpuidFilter {

    /** Which output register a mask applies to. */
    public enum Register { EAX, EBX, ECX, EDX }

    /** Clears {@code bits} of {@code register} in leaf {@code function} (every sub-leaf). */
    public record Mask(int function, Register register, int bits, String why) {}

    public static final Mask CX16 = new Mask(1, Register.ECX, 1 << 13, "CMPXCHG16B");
    public static final Mask XSAVE = new Mask(1, Register.ECX, 1 << 26 | 1 << 27 | 1 << 28 | 1 << 12 | 1 << 29,
            "XSAVE, OSXSAVE, AVX, FMA, F16C (the last three need XSAVE state)");
    public static final Mask AVX_EXTENDED = new Mask(7, Register.EBX,
            1 << 5 | 1 << 16 | 1 << 17 | 1 << 21 | 1 << 26 | 1 << 27 | 1 << 28 | 1 << 30 | 1 << 31,
            "AVX2 and AVX-512 (need XSAVE state)");
    /** Leaf 0xD enumerates XSAVE state; without XSAVE it must go too. */
    public static final int XSAVE_LEAF = 0xd;

    public static final CpuidFilter NONE = new CpuidFilter(List.of(), Set.of());
    public static final CpuidFilter NESTED_SAFE = new CpuidFilter(List.of(CX16, XSAVE, AVX_EXTENDED), Set.of(XSAVE_LEAF));

    static final int HYPERVISOR_BIT = 1 << 31;
    static final int AMD_SIZES = 0x8000_0008;
    static final int AMD_CACHE_TOPOLOGY = 0x8000_001d;
    static final int AMD_EXTENDED_APIC_ID = 0x8000_001e;

    private final List<Mask> masks;
    private final Set<Integer> droppedLeaves;

    public CpuidFilter(List<Mask> masks, Set<Integer> droppedLeaves) {
        this.masks = List.copyOf(masks);
        this.droppedLeaves = Set.copyOf(droppedLeaves);
    }

    public List<Mask> masks() {
        return masks;
    }

    /** The CPUID table of the vCPU with APIC id {@code apicId} in a VM of {@code cpuCount} vCPUs. */
    public List<CpuidEntry> apply(List<CpuidEntry> supported, int apicId, int cpuCount) {
        CpuTopology topology = new CpuTopology(apicId, cpuCount);
        List<CpuidEntry> out = new ArrayList<>(supported.size());
        Set<Integer> rewritten = new HashSet<>();
        for (CpuidEntry e : supported) {
            if (droppedLeaves.contains(e.function())) {
                continue;
            }
            List<CpuidEntry> entries = switch (e.function()) {
                case 1 -> List.of(topology.leaf1(e).withEcx(e.ecx() | HYPERVISOR_BIT));
                case 4, AMD_CACHE_TOPOLOGY -> List.of(topology.cache(e));
                case 0xb, 0x1f -> rewritten.add(e.function()) ? topology.extendedTopology(e.function()) : List.of();
                case AMD_SIZES -> List.of(topology.amdSizes(e));
                case AMD_EXTENDED_APIC_ID -> List.of(topology.amdExtendedApicId(e));
                default -> List.of(e);
            };
            for (CpuidEntry entry : entries) {
                out.add(masked(entry));
            }
        }
        return out;
    }

    private CpuidEntry masked(CpuidEntry e) {
        for (Mask m : masks) {
            if (m.function() == e.function()) {
                e = switch (m.register()) {
                    case EAX -> e.withEax(e.eax() & ~m.bits());
                    case EBX -> e.withEbx(e.ebx() & ~m.bits());
                    case ECX -> e.withEcx(e.ecx() & ~m.bits());
                    case EDX -> e.withEdx(e.edx() & ~m.bits());
                };
            }
        }
        return e;
    }
}
