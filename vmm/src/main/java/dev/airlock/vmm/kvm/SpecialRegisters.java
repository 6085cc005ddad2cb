package dev.airlock.vmm.kvm;

/**
 * Segment, descriptor-table and control registers of one vCPU ({@code struct kvm_sregs}), as a
 * plain mutable mirror of the kernel struct.
 */
public final class SpecialRegisters {
    public Segment cs, ds, es, fs, gs, ss, tr, ldt;
    public DescriptorTable gdt, idt;
    public long cr0, cr2, cr3, cr4, cr8, efer, apicBase;
    /** Pending external interrupt bitmap; 256 bits. */
    public final long[] interruptBitmap = new long[4];
}
