package dev.airlock.vmm;

import dev.airlock.vmm.boot.BootFile;
import dev.airlock.vmm.boot.CpuidFilter;
import dev.airlock.vmm.virtio.VirtioDevice;
import java.io.OutputStream;
import java.util.List;

/**
 * Everything needed to build one microVM.
 *
 * @param memoryBytes guest RAM, a multiple of 2 MiB, more than 2 MiB, at most the MMIO gap start
 * @param kernel      a bzImage, or a vmlinux ELF with a PVH note ({@link BootFile#read} shares it between VMs)
 * @param initrd      null for none
 * @param console     where the UART's output goes (the console log)
 * @param devices     virtio devices, placed at virtio-mmio slots 0, 1, ... in this order
 */
public record MicroVmConfig(long memoryBytes, int vcpus, BootFile kernel, BootFile initrd, String cmdline,
                            CpuidFilter cpuid, OutputStream console, List<VirtioDevice> devices) {

    /** The most vCPUs a VM can have. */
    public static final int MAX_VCPUS = 32;

    public MicroVmConfig {
        if (memoryBytes <= (2 << 20) || memoryBytes % (2 << 20) != 0) {
            throw new IllegalArgumentException("guest memory must be a multiple of 2 MiB above 2 MiB, got " + memoryBytes);
        }
        if (vcpus < 1 || vcpus > MAX_VCPUS) {
            throw new IllegalArgumentException("between 1 and " + MAX_VCPUS + " vCPUs, got " + vcpus);
        }
        devices = List.copyOf(devices);
    }
}
