package dev.airlock.vmm.kvm;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * The KVM system handle ({@code /dev/kvm}): version and capability queries, supported CPUID,
 * and VM creation. Opening it is the first thing that fails on a machine without usable KVM, so
 * its error says how to check the device.
 */
public final class Kvm implements AutoCloseable {

    /** The stable KVM API version; every kernel since 2.6.22 reports 12. */
    public static final int API_VERSION = 12;
    public static final String DEFAULT_PATH = "/dev/kvm";

    /** Capability numbers from {@code <linux/kvm.h>} that the monitor checks. */
    public static final int CAP_IRQCHIP = 0;
    public static final int CAP_USER_MEMORY = 3;
    public static final int CAP_SET_TSS_ADDR = 4;
    public static final int CAP_EXT_CPUID = 7;
    public static final int CAP_IRQFD = 32;
    public static final int CAP_PIT2 = 33;
    public static final int CAP_IOEVENTFD = 36;

    private static final int MAX_CPUID_ENTRIES = 1024;

    private final int fd;
    private final int vcpuMmapSize;
    private boolean closed;

    private Kvm(int fd) {
        this.fd = fd;
        this.vcpuMmapSize = Libc.ioctl(fd, Ioctl.KVM_GET_VCPU_MMAP_SIZE, 0L);
    }

    /** Opens {@code /dev/kvm} and checks the API version and the capabilities the monitor needs. */
    public static Kvm open() {
        return open(DEFAULT_PATH);
    }

    public static Kvm open(String path) {
        int fd = Libc.openOrErrno(path);
        if (fd < 0) {
            throw new KvmException(new KvmError.Unavailable(path, -fd, Libc.strerror(-fd)));
        }
        try {
            int version = Libc.ioctl(fd, Ioctl.KVM_GET_API_VERSION, 0L);
            if (version != API_VERSION) {
                throw new KvmException(new KvmError.ApiVersion(version, API_VERSION));
            }
            Kvm kvm = new Kvm(fd);
            kvm.require(CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY");
            kvm.require(CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID");
            return kvm;
        } catch (RuntimeException e) {
            Libc.close(fd);
            throw e;
        }
    }

    /**
     * Why KVM cannot be used here, or null when {@code /dev/kvm} opens. Tests use this to skip
     * with a reason that names the device and the errno.
     */
    public static String unavailableReason() {
        try (Kvm kvm = open()) {
            return null;
        } catch (KvmException e) {
            return e.getMessage();
        }
    }

    private void require(int cap, String name) {
        if (checkExtension(cap) <= 0) {
            throw new KvmException(new KvmError.MissingCapability(name));
        }
    }

    /** KVM_CHECK_EXTENSION: 0 when the capability is absent, otherwise a capability-specific value. */
    public int checkExtension(int capability) {
        return Libc.ioctl(fd, Ioctl.KVM_CHECK_EXTENSION, capability);
    }

    public int apiVersion() {
        return Libc.ioctl(fd, Ioctl.KVM_GET_API_VERSION, 0L);
    }

    /** KVM_GET_VCPU_MMAP_SIZE: how many bytes of each vCPU fd to map for {@code kvm_run}. */
    public int vcpuMmapSize() {
        return vcpuMmapSize;
    }

    /** KVM_GET_SUPPORTED_CPUID: every leaf KVM can expose on this host. */
    public List<CpuidEntry> supportedCpuid() {
        for (int capacity = 128; ; capacity *= 2) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment buf = arena.allocate(KvmStructs.CPUID2_HEADER_SIZE
                        + capacity * KvmStructs.CPUID_ENTRY2.byteSize(), 8);
                buf.set(JAVA_INT, 0, capacity);
                int rc = Libc.ioctlRaw(fd, Ioctl.KVM_GET_SUPPORTED_CPUID, buf);
                if (rc == -Libc.E2BIG && capacity < MAX_CPUID_ENTRIES) {
                    continue;
                }
                if (rc < 0) {
                    throw new KvmException(new KvmError.CallFailed(Ioctl.KVM_GET_SUPPORTED_CPUID.name(), -rc,
                            Libc.strerror(-rc)));
                }
                int n = buf.get(JAVA_INT, 0);
                List<CpuidEntry> out = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    out.add(CpuidCodec.read(buf, KvmStructs.CPUID2_HEADER_SIZE + i * KvmStructs.CPUID_ENTRY2.byteSize()));
                }
                return List.copyOf(out);
            }
        }
    }

    /** KVM_CREATE_VM with the default machine type. */
    public KvmVm createVm() {
        int vmFd = Libc.ioctl(fd, Ioctl.KVM_CREATE_VM, 0L);
        return new KvmVm(vmFd, vcpuMmapSize);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Libc.close(fd);
        }
    }
}
