package dev.airlock.vmm.boot;

import dev.airlock.vmm.memory.AddressMap;
import dev.airlock.vmm.memory.GuestMemory;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Loads a vmlinux ELF for the PVH boot protocol (Xen's {@code arch/x86/include/xen/interface/hvm/start_info.h},
 * used by Linux's {@code CONFIG_PVH}): segments at their physical addresses, then an
 * {@code hvm_start_info} (version 1) with the command line, the initrd as module 0 and the
 * memory map. The vCPU enters at the note's entry in 32-bit protected mode with {@code ebx}
 * holding the start-info address.
 */
public final class PvhLoader {

    public static final int START_INFO_MAGIC = 0x336ec578;
    static final int START_INFO_SIZE = 56;
    static final long MEMMAP_ADDRESS = AddressMap.PVH_INFO_ADDRESS + 0x40;
    static final int MEMMAP_ENTRY_SIZE = 24;
    static final long MODLIST_ADDRESS = AddressMap.PVH_INFO_ADDRESS + 0x200;

    /** Where the kernel enters and where its start info is. */
    public record Loaded(long entry, long startInfo) {}

    private PvhLoader() {}

    public static Loaded load(GuestMemory memory, MemorySegment vmlinux, String cmdline, MemorySegment initrd,
                              long rsdpAddress)
            throws BootException {
        ElfKernel elf = ElfKernel.parse(vmlinux);
        long highest = AddressMap.KERNEL_ADDRESS;
        for (ElfKernel.Segment s : elf.segments()) {
            if (s.physAddr() < AddressMap.KERNEL_ADDRESS || !memory.contains(s.physAddr(), s.memSize())) {
                throw new BootException(new BootError.DoesNotFit("ELF segment at 0x" + Long.toHexString(s.physAddr())
                        + "+" + s.memSize() + " (segments must lie between 1 MiB and the end of RAM)"));
            }
            memory.write(s.physAddr(), elf.file(), s.fileOffset(), s.fileSize());
            memory.fill(s.physAddr() + s.fileSize(), s.memSize() - s.fileSize(), (byte) 0);
            highest = Math.max(highest, s.physAddr() + s.memSize());
        }

        byte[] line = cmdline.getBytes(StandardCharsets.US_ASCII);
        if (line.length >= AddressMap.CMDLINE_MAX_SIZE) {
            throw new BootException(new BootError.DoesNotFit("command line of " + line.length + " bytes"));
        }
        memory.fill(AddressMap.CMDLINE_ADDRESS, AddressMap.CMDLINE_MAX_SIZE, (byte) 0);
        memory.write(AddressMap.CMDLINE_ADDRESS, line);

        List<E820Map.Entry> map = E820Map.forRam(memory.size());
        ByteBuffer info = ByteBuffer.allocate(START_INFO_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        info.putInt(0, START_INFO_MAGIC);
        info.putInt(4, 1); // version 1: has the memory map fields
        info.putLong(24, AddressMap.CMDLINE_ADDRESS);
        info.putLong(32, rsdpAddress);
        info.putLong(40, MEMMAP_ADDRESS);
        info.putInt(48, map.size());
        if (initrd != null && initrd.byteSize() > 0) {
            long at = (memory.size() - initrd.byteSize()) & ~0xfffL;
            if (at < highest) {
                throw new BootException(new BootError.DoesNotFit("initrd of " + initrd.byteSize() + " bytes above the kernel"));
            }
            memory.write(at, initrd, 0, initrd.byteSize());
            ByteBuffer mod = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
            mod.putLong(0, at).putLong(8, initrd.byteSize());
            memory.write(MODLIST_ADDRESS, mod.array());
            info.putInt(12, 1);
            info.putLong(16, MODLIST_ADDRESS);
        }
        for (int i = 0; i < map.size(); i++) {
            ByteBuffer e = ByteBuffer.allocate(MEMMAP_ENTRY_SIZE).order(ByteOrder.LITTLE_ENDIAN);
            e.putLong(0, map.get(i).address()).putLong(8, map.get(i).size()).putInt(16, map.get(i).type());
            memory.write(MEMMAP_ADDRESS + (long) i * MEMMAP_ENTRY_SIZE, e.array());
        }
        memory.write(AddressMap.PVH_INFO_ADDRESS, info.array());
        return new Loaded(elf.pvhEntry(), AddressMap.PVH_INFO_ADDRESS);
    }
}
