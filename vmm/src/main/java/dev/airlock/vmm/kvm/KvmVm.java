package dev.airlock.vmm.kvm;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** One virtual machine ({@code KVM_CREATE_VM} fd): memory slots, interrupt controllers, vCPUs. */
public final class KvmVm implements AutoCloseable {

    /** KVM_PIT_SPEAKER_DUMMY: emulate the PC speaker port so guests probing it do not exit. */
    private static final int PIT_SPEAKER_DUMMY = 1;
    private static final int IOEVENTFD_FLAG_DATAMATCH = 1;
    private static final int IOEVENTFD_FLAG_PIO = 2;

    private final int fd;
    private final int vcpuMmapSize;
    private boolean closed;

    KvmVm(int fd, int vcpuMmapSize) {
        this.fd = fd;
        this.vcpuMmapSize = vcpuMmapSize;
    }

    /**
     * KVM_SET_USER_MEMORY_REGION: backs guest-physical {@code [guestPhys, guestPhys + host.byteSize())}
     * with the host memory {@code host} (which must stay mapped while the VM lives).
     */
    public void setUserMemoryRegion(int slot, long guestPhys, MemorySegment host) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment r = arena.allocate(KvmStructs.USER_MEMORY_REGION);
            r.set(JAVA_INT, KvmStructs.offset(KvmStructs.USER_MEMORY_REGION, "slot"), slot);
            r.set(JAVA_LONG, KvmStructs.offset(KvmStructs.USER_MEMORY_REGION, "guest_phys_addr"), guestPhys);
            r.set(JAVA_LONG, KvmStructs.offset(KvmStructs.USER_MEMORY_REGION, "memory_size"), host.byteSize());
            r.set(JAVA_LONG, KvmStructs.offset(KvmStructs.USER_MEMORY_REGION, "userspace_addr"), host.address());
            Libc.ioctl(fd, Ioctl.KVM_SET_USER_MEMORY_REGION, r);
        }
    }

    /** KVM_SET_TSS_ADDR: three pages of guest-physical space KVM needs on Intel hosts. */
    public void setTssAddress(long address) {
        Libc.ioctl(fd, Ioctl.KVM_SET_TSS_ADDR, address);
    }

    /** KVM_SET_IDENTITY_MAP_ADDR: one page for the real-mode identity map on Intel hosts. */
    public void setIdentityMapAddress(long address) {
        try (Arena arena = Arena.ofConfined()) {
            Libc.ioctl(fd, Ioctl.KVM_SET_IDENTITY_MAP_ADDR, arena.allocateFrom(JAVA_LONG, address));
        }
    }

    /** KVM_CREATE_IRQCHIP: in-kernel PIC pair, IOAPIC and local APICs. */
    public void createIrqchip() {
        Libc.ioctl(fd, Ioctl.KVM_CREATE_IRQCHIP, 0L);
    }

    /** KVM_CREATE_PIT2: in-kernel i8254 timer (needs the irqchip first). */
    public void createPit2() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment c = arena.allocate(KvmStructs.PIT_CONFIG);
            c.set(JAVA_INT, 0, PIT_SPEAKER_DUMMY);
            Libc.ioctl(fd, Ioctl.KVM_CREATE_PIT2, c);
        }
    }

    /** KVM_IRQ_LINE: sets the level of an interrupt line (GSI) of the in-kernel irqchip. */
    public void irqLine(int gsi, boolean high) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment l = arena.allocate(KvmStructs.IRQ_LEVEL);
            l.set(JAVA_INT, 0, gsi);
            l.set(JAVA_INT, 4, high ? 1 : 0);
            Libc.ioctl(fd, Ioctl.KVM_IRQ_LINE, l);
        }
    }

    /** KVM_IRQFD: signalling {@code eventFd} injects an edge on {@code gsi}. */
    public void registerIrqFd(EventFd eventFd, int gsi) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(KvmStructs.IRQFD);
            s.set(JAVA_INT, KvmStructs.offset(KvmStructs.IRQFD, "fd"), eventFd.fd());
            s.set(JAVA_INT, KvmStructs.offset(KvmStructs.IRQFD, "gsi"), gsi);
            Libc.ioctl(fd, Ioctl.KVM_IRQFD, s);
        }
    }

    /**
     * KVM_IOEVENTFD: a guest write of {@code length} bytes to {@code address} (MMIO, or a port
     * when {@code pio}) signals {@code eventFd} in the kernel instead of exiting. With a
     * {@code datamatch} only writes of that value match.
     */
    public void registerIoEventFd(EventFd eventFd, long address, int length, boolean pio, Long datamatch) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(KvmStructs.IOEVENTFD);
            int flags = (pio ? IOEVENTFD_FLAG_PIO : 0) | (datamatch != null ? IOEVENTFD_FLAG_DATAMATCH : 0);
            s.set(JAVA_LONG, KvmStructs.offset(KvmStructs.IOEVENTFD, "datamatch"), datamatch == null ? 0 : datamatch);
            s.set(JAVA_LONG, KvmStructs.offset(KvmStructs.IOEVENTFD, "addr"), address);
            s.set(JAVA_INT, KvmStructs.offset(KvmStructs.IOEVENTFD, "len"), length);
            s.set(JAVA_INT, KvmStructs.offset(KvmStructs.IOEVENTFD, "fd"), eventFd.fd());
            s.set(JAVA_INT, KvmStructs.offset(KvmStructs.IOEVENTFD, "flags"), flags);
            Libc.ioctl(fd, Ioctl.KVM_IOEVENTFD, s);
        }
    }

    /** KVM_CREATE_VCPU with the given id (the APIC id on x86). */
    public KvmVcpu createVcpu(int id) {
        int vcpuFd = Libc.ioctl(fd, Ioctl.KVM_CREATE_VCPU, id);
        try {
            MemorySegment run = Libc.mmap(vcpuMmapSize, Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_SHARED, vcpuFd, 0);
            return new KvmVcpu(id, vcpuFd, run);
        } catch (RuntimeException e) {
            Libc.close(vcpuFd);
            throw e;
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Libc.close(fd);
        }
    }
}
