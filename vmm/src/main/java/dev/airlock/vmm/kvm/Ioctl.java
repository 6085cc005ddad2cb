package dev.airlock.vmm.kvm;

/**
 * The KVM ioctl request codes this monitor uses, with the names they have in
 * {@code <linux/kvm.h>}. Codes are computed the way the kernel's {@code _IO/_IOR/_IOW/_IOWR}
 * macros compute them: direction in bits 30-31, argument size in bits 16-29, type 0xAE
 * ({@code KVMIO}) in bits 8-15 and the number in bits 0-7.
 */
enum Ioctl {
    KVM_GET_API_VERSION(Dir.NONE, 0x00, 0),
    KVM_CREATE_VM(Dir.NONE, 0x01, 0),
    KVM_CHECK_EXTENSION(Dir.NONE, 0x03, 0),
    KVM_GET_VCPU_MMAP_SIZE(Dir.NONE, 0x04, 0),
    KVM_GET_SUPPORTED_CPUID(Dir.READ_WRITE, 0x05, KvmStructs.CPUID2_HEADER_SIZE),
    KVM_CREATE_VCPU(Dir.NONE, 0x41, 0),
    KVM_SET_USER_MEMORY_REGION(Dir.WRITE, 0x46, KvmStructs.USER_MEMORY_REGION.byteSize()),
    KVM_SET_TSS_ADDR(Dir.NONE, 0x47, 0),
    KVM_SET_IDENTITY_MAP_ADDR(Dir.WRITE, 0x48, 8),
    KVM_CREATE_IRQCHIP(Dir.NONE, 0x60, 0),
    KVM_IRQ_LINE(Dir.WRITE, 0x61, KvmStructs.IRQ_LEVEL.byteSize()),
    KVM_IRQFD(Dir.WRITE, 0x76, KvmStructs.IRQFD.byteSize()),
    KVM_CREATE_PIT2(Dir.WRITE, 0x77, KvmStructs.PIT_CONFIG.byteSize()),
    KVM_IOEVENTFD(Dir.WRITE, 0x79, KvmStructs.IOEVENTFD.byteSize()),
    KVM_RUN(Dir.NONE, 0x80, 0),
    KVM_GET_REGS(Dir.READ, 0x81, KvmStructs.REGS.byteSize()),
    KVM_SET_REGS(Dir.WRITE, 0x82, KvmStructs.REGS.byteSize()),
    KVM_GET_SREGS(Dir.READ, 0x83, KvmStructs.SREGS.byteSize()),
    KVM_SET_SREGS(Dir.WRITE, 0x84, KvmStructs.SREGS.byteSize()),
    KVM_SET_MSRS(Dir.WRITE, 0x89, KvmStructs.MSRS_HEADER_SIZE),
    /** struct kvm_signal_mask is a u32 length followed by the sigset bytes. */
    KVM_SET_SIGNAL_MASK(Dir.WRITE, 0x8b, 4),
    KVM_GET_FPU(Dir.READ, 0x8c, KvmStructs.FPU.byteSize()),
    KVM_SET_FPU(Dir.WRITE, 0x8d, KvmStructs.FPU.byteSize()),
    KVM_SET_CPUID2(Dir.WRITE, 0x90, KvmStructs.CPUID2_HEADER_SIZE);

    private enum Dir { NONE, WRITE, READ, READ_WRITE }

    private static final int KVMIO = 0xAE;

    private final long code;

    Ioctl(Dir dir, int nr, long size) {
        this.code = ((long) dir.ordinal() << 30) | (size << 16) | ((long) KVMIO << 8) | nr;
    }

    /** The request number passed to ioctl(2). */
    long code() {
        return code;
    }
}
