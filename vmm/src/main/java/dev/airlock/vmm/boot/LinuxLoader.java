package dev.airlock.vmm.boot;

import dev.airlock.vmm.memory.AddressMap;
import dev.airlock.vmm.memory.GuestMemory;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * Loads a bzImage the way boot.rst's 64-bit boot protocol describes: protected-mode kernel at
 * 1 MiB, command line and zero page at their fixed addresses, the initrd as high as the kernel
 * allows, and entry at the kernel's 64-bit entry point (load address + 0x200) with {@code rsi}
 * pointing at the zero page.
 */
public final class LinuxLoader {

    /** Offset of startup_64 from the protected-mode kernel's load address. */
    public static final long ENTRY_64_OFFSET = 0x200;

    /** Where the kernel was put and how to enter it. */
    public record Loaded(long entry, long bootParams, long initrdAddress, long initrdSize) {}

    private LinuxLoader() {}

    /**
     * @param initrd null for none
     * @param rsdpAddress the ACPI RSDP's guest-physical address, or 0 without ACPI
     */
    public static Loaded load(GuestMemory memory, MemorySegment bzImage, String cmdline, MemorySegment initrd,
                              long rsdpAddress)
            throws BootException {
        BzImage kernel = BzImage.parse(bzImage);
        long kernelEnd = AddressMap.KERNEL_ADDRESS + Math.max(kernel.kernelSize(), kernel.initSize());
        if (!memory.contains(AddressMap.KERNEL_ADDRESS, kernelEnd - AddressMap.KERNEL_ADDRESS)) {
            throw new BootException(new BootError.DoesNotFit("kernel (" + (kernelEnd - AddressMap.KERNEL_ADDRESS)
                    + " bytes with its init_size) at 1 MiB in " + memory.size() + " bytes of RAM"));
        }
        memory.write(AddressMap.KERNEL_ADDRESS, kernel.image(), kernel.kernelOffset(), kernel.kernelSize());

        byte[] line = cmdline.getBytes(StandardCharsets.US_ASCII);
        long maxLine = Math.min(kernel.cmdlineSizeMax(), AddressMap.CMDLINE_MAX_SIZE - 1);
        if (line.length > maxLine) {
            throw new BootException(new BootError.DoesNotFit("command line of " + line.length
                    + " bytes (limit " + maxLine + ")"));
        }
        memory.fill(AddressMap.CMDLINE_ADDRESS, AddressMap.CMDLINE_MAX_SIZE, (byte) 0);
        memory.write(AddressMap.CMDLINE_ADDRESS, line);

        long initrdAddress = 0;
        long initrdSize = 0;
        if (initrd != null && initrd.byteSize() > 0) {
            long top = Math.min(memory.size(), kernel.initrdAddressMax() + 1);
            initrdAddress = (top - initrd.byteSize()) & ~0xfffL;
            if (initrdAddress < kernelEnd) {
                throw new BootException(new BootError.DoesNotFit("initrd of " + initrd.byteSize()
                        + " bytes between the kernel's end (0x" + Long.toHexString(kernelEnd) + ") and 0x"
                        + Long.toHexString(top)));
            }
            memory.write(initrdAddress, initrd, 0, initrd.byteSize());
            initrdSize = initrd.byteSize();
        }

        byte[] zeroPage = ZeroPage.build(kernel, AddressMap.CMDLINE_ADDRESS, initrdAddress, initrdSize,
                E820Map.forRam(memory.size()), rsdpAddress);
        memory.write(AddressMap.ZERO_PAGE_ADDRESS, zeroPage);
        return new Loaded(AddressMap.KERNEL_ADDRESS + ENTRY_64_OFFSET, AddressMap.ZERO_PAGE_ADDRESS,
                initrdAddress, initrdSize);
    }
}
