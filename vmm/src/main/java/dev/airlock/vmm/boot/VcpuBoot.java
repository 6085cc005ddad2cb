package dev.airlock.vmm.boot;

import dev.airlock.vmm.kvm.DescriptorTable;
import dev.airlock.vmm.kvm.KvmVcpu;
import dev.airlock.vmm.kvm.MsrEntry;
import dev.airlock.vmm.kvm.Registers;
import dev.airlock.vmm.kvm.SpecialRegisters;
import dev.airlock.vmm.memory.AddressMap;
import dev.airlock.vmm.memory.GuestMemory;
import java.util.List;

/**
 * Puts a vCPU in the state a kernel entry point expects: 64-bit long mode with identity paging
 * for the Linux 64-bit boot protocol, or 32-bit flat protected mode without paging for PVH.
 * Also the MSR and FPU values the boot CPU starts with.
 */
public final class VcpuBoot {

    static final long CR0_PE = 1;
    static final long CR0_ET = 1L << 4;
    static final long CR0_PG = 1L << 31;
    static final long CR4_PAE = 1L << 5;
    static final long EFER_LME = 1L << 8;
    static final long EFER_LMA = 1L << 10;
    /** x87 control word after FNINIT; MXCSR at reset (all exceptions masked). */
    public static final int FPU_CONTROL_WORD = 0x37f;
    public static final int MXCSR = 0x1f80;

    private VcpuBoot() {}

    /** The special registers for 64-bit entry; also writes the GDT, an empty IDT and the page tables. */
    public static SpecialRegisters longModeSregs(GuestMemory memory, SpecialRegisters base) {
        Gdt gdt = Gdt.longMode();
        gdt.writeTo(memory, AddressMap.GDT_ADDRESS);
        memory.writeU64(AddressMap.IDT_ADDRESS, 0);
        base.gdt = new DescriptorTable(AddressMap.GDT_ADDRESS, gdt.limit());
        base.idt = new DescriptorTable(AddressMap.IDT_ADDRESS, 7);
        base.cs = gdt.segment(Gdt.CODE_SELECTOR);
        base.ds = base.es = base.fs = base.gs = base.ss = gdt.segment(Gdt.DATA_SELECTOR);
        base.tr = gdt.segment(Gdt.TSS_SELECTOR);
        base.cr3 = PageTables.writeIdentityMap(memory);
        base.cr4 = CR4_PAE;
        base.cr0 = CR0_PE | CR0_ET | CR0_PG;
        base.efer = EFER_LME | EFER_LMA;
        return base;
    }

    /** The special registers for PVH's 32-bit entry: flat segments, protected mode, no paging. */
    public static SpecialRegisters protectedMode32Sregs(GuestMemory memory, SpecialRegisters base) {
        Gdt gdt = Gdt.protectedMode32();
        gdt.writeTo(memory, AddressMap.GDT_ADDRESS);
        base.gdt = new DescriptorTable(AddressMap.GDT_ADDRESS, gdt.limit());
        base.idt = new DescriptorTable(AddressMap.IDT_ADDRESS, 7);
        base.cs = gdt.segment(Gdt.CODE_SELECTOR);
        base.ds = base.es = base.fs = base.gs = base.ss = gdt.segment(Gdt.DATA_SELECTOR);
        base.tr = gdt.segment(Gdt.TSS_SELECTOR);
        base.cr0 = CR0_PE | CR0_ET;
        base.cr3 = 0;
        base.cr4 = 0;
        base.efer = 0;
        return base;
    }

    /** Boots {@code vcpu} into a 64-bit kernel at {@code entry} with {@code rsi = bootParams}. */
    public static void enterLongMode(KvmVcpu vcpu, GuestMemory memory, long entry, long bootParams) {
        vcpu.setSpecialRegisters(longModeSregs(memory, vcpu.specialRegisters()));
        Registers r = new Registers();
        r.rip = entry;
        r.rsp = AddressMap.BOOT_STACK_POINTER;
        r.rbp = AddressMap.BOOT_STACK_POINTER;
        r.rsi = bootParams;
        vcpu.setRegisters(r);
        vcpu.setFpu(FPU_CONTROL_WORD, MXCSR);
        vcpu.setMsrs(bootMsrs());
    }

    /** Boots {@code vcpu} into a PVH kernel at {@code entry} with {@code ebx = startInfo}. */
    public static void enterPvh(KvmVcpu vcpu, GuestMemory memory, long entry, long startInfo) {
        vcpu.setSpecialRegisters(protectedMode32Sregs(memory, vcpu.specialRegisters()));
        Registers r = new Registers();
        r.rip = entry;
        r.rbx = startInfo;
        vcpu.setRegisters(r);
        vcpu.setFpu(FPU_CONTROL_WORD, MXCSR);
        vcpu.setMsrs(bootMsrs());
    }

    /**
     * MSRs zeroed or set at boot: the SYSENTER/SYSCALL MSRs and TSC zero, fast strings enabled
     * in IA32_MISC_ENABLE, and MTRRs enabled with write-back as the default memory type.
     */
    public static List<MsrEntry> bootMsrs() {
        return List.of(
                new MsrEntry(0x174, 0), // IA32_SYSENTER_CS
                new MsrEntry(0x175, 0), // IA32_SYSENTER_ESP
                new MsrEntry(0x176, 0), // IA32_SYSENTER_EIP
                new MsrEntry(0xc0000081, 0), // STAR
                new MsrEntry(0xc0000082, 0), // LSTAR
                new MsrEntry(0xc0000083, 0), // CSTAR
                new MsrEntry(0xc0000084, 0), // SYSCALL_MASK
                new MsrEntry(0xc0000102, 0), // KERNEL_GS_BASE
                new MsrEntry(0x10, 0), // IA32_TSC
                new MsrEntry(0x1a0, 1), // IA32_MISC_ENABLE: fast string operations
                new MsrEntry(0x2ff, (1 << 11) | 6)); // IA32_MTRR_DEF_TYPE: enabled, write-back
    }
}
