package dev.airlock.vmm.boot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.vmm.memory.AddressMap;
import dev.airlock.vmm.memory.GuestMemory;
import dev.airlock.vmm.testing.TestMemory;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * The bzImage loader against boot.rst: a synthetic image with a 2.15 setup header, checked
 * field by field at the offsets the document gives.
 */
class LinuxLoaderTest {

    private static final int SETUP_SECTS = 4;
    private static final int KERNEL_BYTES = 8192;
    private static final long RAM = 16 << 20;

    /** A bzImage: boot sector + 4 setup sectors + a "kernel" whose bytes are a recognisable pattern. */
    static byte[] bzImage(int version, int loadflags, int xloadflags) {
        byte[] img = new byte[(SETUP_SECTS + 1) * 512 + KERNEL_BYTES];
        ByteBuffer b = ByteBuffer.wrap(img).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0x1f1, (byte) SETUP_SECTS);
        b.putShort(0x1fe, (short) 0xaa55);
        b.put(0x200, (byte) 0xeb).put(0x201, (byte) 0x6a); // jmp to 0x26c: the 2.15 header's end
        b.putInt(0x202, 0x53726448);
        b.putShort(0x206, (short) version);
        b.put(0x211, (byte) loadflags);
        b.putInt(0x214, 0x100000);
        b.putInt(0x22c, 0x7fffffff);
        b.putInt(0x230, 0x200000);
        b.put(0x234, (byte) 1);
        b.putShort(0x236, (short) xloadflags);
        b.putInt(0x238, 2047);
        b.putLong(0x258, 0x1000000);
        b.putInt(0x260, 0x10000);
        for (int i = 0; i < KERNEL_BYTES; i++) {
            img[(SETUP_SECTS + 1) * 512 + i] = (byte) (i * 13 + 1);
        }
        return img;
    }

    @Test
    void parsesTheSetupHeader() throws Exception {
        BzImage k = BzImage.parse(MemorySegment.ofArray(bzImage(0x020f, 0x01, 0x03)));
        assertEquals(0x020f, k.protocolVersion());
        assertEquals(SETUP_SECTS, k.setupSectors());
        assertEquals(5 * 512, k.kernelOffset());
        assertEquals(KERNEL_BYTES, k.kernelSize());
        assertEquals(0x7fffffffL, k.initrdAddressMax());
        assertEquals(2047, k.cmdlineSizeMax());
        assertEquals(0x10000, k.initSize());
        assertEquals(0x1000000, k.preferredAddress());
        assertTrue(k.relocatable());
        assertEquals(0x26c - 0x1f1, k.setupHeader().length, "header runs to 0x202 + the jump offset");
    }

    @Test
    void loadsKernelCmdlineInitrdAndZeroPage() throws Exception {
        GuestMemory m = TestMemory.of(RAM);
        byte[] img = bzImage(0x020f, 0x01, 0x03);
        byte[] initrd = new byte[10_000];
        initrd[0] = 0x30;
        initrd[9_999] = 0x31;
        LinuxLoader.Loaded l = LinuxLoader.load(m, MemorySegment.ofArray(img), "console=ttyS0 reboot=k",
                MemorySegment.ofArray(initrd), 0xe0000);

        assertEquals(0x100200, l.entry(), "64-bit entry: load address + 0x200");
        assertEquals(AddressMap.ZERO_PAGE_ADDRESS, l.bootParams());
        byte[] kernel = new byte[KERNEL_BYTES];
        System.arraycopy(img, 5 * 512, kernel, 0, KERNEL_BYTES);
        assertArrayEquals(kernel, m.read(0x100000, KERNEL_BYTES), "protected-mode kernel at 1 MiB");
        assertEquals("console=ttyS0 reboot=k\0", new String(m.read(AddressMap.CMDLINE_ADDRESS, 23)));

        long initrdAt = l.initrdAddress();
        assertEquals(0, initrdAt % 4096, "page aligned");
        assertTrue(initrdAt + initrd.length <= RAM && initrdAt + 4096 + initrd.length > RAM, "as high as possible");
        assertEquals(0x30, m.readU8(initrdAt));
        assertEquals(0x31, m.readU8(initrdAt + 9_999));

        long z = AddressMap.ZERO_PAGE_ADDRESS;
        // Offsets from Documentation/arch/x86/zero-page.rst and boot.rst.
        assertEquals(0xe0000, m.readU64(z + 0x070), "acpi_rsdp_addr");
        assertEquals(SETUP_SECTS, m.readU8(z + 0x1f1), "setup_sects copied");
        assertEquals(0xaa55, m.readU16(z + 0x1fe), "boot_flag copied");
        assertEquals(0x53726448, m.readU32(z + 0x202), "HdrS copied");
        assertEquals(0x020f, m.readU16(z + 0x206), "version copied");
        assertEquals(0xff, m.readU8(z + 0x210), "type_of_loader: undefined");
        assertEquals(0x81, m.readU8(z + 0x211), "loadflags: LOADED_HIGH | CAN_USE_HEAP");
        assertEquals((int) initrdAt, m.readU32(z + 0x218), "ramdisk_image");
        assertEquals(initrd.length, m.readU32(z + 0x21c), "ramdisk_size");
        assertEquals(0xfe00 - 0x200, m.readU16(z + 0x224), "heap_end_ptr");
        assertEquals((int) AddressMap.CMDLINE_ADDRESS, m.readU32(z + 0x228), "cmd_line_ptr");
        assertEquals(0, m.readU32(z + 0x0c8), "ext_cmd_line_ptr");
        assertEquals(0, m.readU32(z + 0x0c0), "ext_ramdisk_image");

        assertEquals(3, m.readU8(z + 0x1e8), "e820_entries");
        long[][] expected = {
            {0, AddressMap.EBDA_START, E820Map.RAM},
            {AddressMap.EBDA_START, 0x100000 - AddressMap.EBDA_START, E820Map.RESERVED},
            {0x100000, RAM - 0x100000, E820Map.RAM},
        };
        for (int i = 0; i < 3; i++) {
            long e = z + 0x2d0 + 20L * i;
            assertEquals(expected[i][0], m.readU64(e), "e820[" + i + "].addr");
            assertEquals(expected[i][1], m.readU64(e + 8), "e820[" + i + "].size");
            assertEquals(expected[i][2], m.readU32(e + 16), "e820[" + i + "].type");
        }
    }

    @Test
    void refusesWhatItCannotBoot() {
        BootException e = assertThrows(BootException.class, () -> BzImage.parse(MemorySegment.ofArray(new byte[8192])));
        assertInstanceOf(BootError.NotABzImage.class, e.error());
        e = assertThrows(BootException.class, () -> BzImage.parse(MemorySegment.ofArray(bzImage(0x020a, 0x01, 0x03))));
        assertInstanceOf(BootError.ProtocolTooOld.class, e.error());
        assertTrue(e.getMessage().contains("2.10"), e.getMessage());
        e = assertThrows(BootException.class, () -> BzImage.parse(MemorySegment.ofArray(bzImage(0x020f, 0x01, 0x00))));
        assertInstanceOf(BootError.Unsupported.class, e.error());
        e = assertThrows(BootException.class, () -> BzImage.parse(MemorySegment.ofArray(bzImage(0x020f, 0x00, 0x03))));
        assertInstanceOf(BootError.Unsupported.class, e.error());

        GuestMemory m = TestMemory.of(RAM);
        e = assertThrows(BootException.class,
                () -> LinuxLoader.load(m, MemorySegment.ofArray(bzImage(0x020f, 1, 3)), "x".repeat(2048), null, 0));
        assertInstanceOf(BootError.DoesNotFit.class, e.error(), "command line over cmdline_size");
        e = assertThrows(BootException.class,
                () -> LinuxLoader.load(m, MemorySegment.ofArray(bzImage(0x020f, 1, 3)), "",
                        MemorySegment.ofArray(new byte[(int) RAM - 0x100000]), 0));
        assertInstanceOf(BootError.DoesNotFit.class, e.error(), "initrd would overlap the kernel");
    }
}
