package dev.airlock.vmm.boot;

import dev.airlock.vmm.kvm.CpuidEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Turns the CPUID leaves KVM supports on this host into what one vCPU reports:
 * <ul>
 *   <li>leaf 1: EBX[31:24] is the vCPU's APIC id and EBX[23:16] the logical CPU count; ECX bit 31
 *       ("running under a hypervisor") is set;</li>
 *   <li>leaves 0xB and 0x1F (topology): EDX is the vCPU's x2APIC id;</li>
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

    private final List<Mask> masks;
    private final Set<Integer> droppedLeaves;

    public CpuidFilter(List<Mask> masks, Set<Integer> droppedLeaves) {
        this.masks = List.copyOf(masks);
        this.droppedLeaves = Set.copyOf(droppedLeaves);
    }

    public List<Mask> masks() {
        return masks;
    }

    public List<CpuidEntry> apply(List<CpuidEntry> supported, int apicId, int cpuCount) {
        List<CpuidEntry> out = new ArrayList<>(supported.size());
        for (CpuidEntry e : supported) {
            if (droppedLeaves.contains(e.function())) {
                continue;
            }
            if (e.function() == 1) {
                int ebx = (e.ebx() & 0x0000ffff) | (apicId & 0xff) << 24 | (cpuCount & 0xff) << 16;
                e = e.withEbx(ebx).withEcx(e.ecx() | HYPERVISOR_BIT);
            } else if (e.function() == 0xb || e.function() == 0x1f) {
                e = e.withEdx(apicId);
            }
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
            out.add(e);
        }
        return out;
    }
}
