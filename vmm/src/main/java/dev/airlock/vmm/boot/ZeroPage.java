package dev.airlock.vmm.boot;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Linux's {@code struct boot_params} (the "zero page", Documentation/arch/x86/zero-page.rst):
 * the setup header copied from the bzImage with the loader's fields filled in, the e820 map and
 * the ACPI RSDP address.
 */
public final class ZeroPage {

    public static final int SIZE = 4096;
    static final int ACPI_RSDP_ADDR = 0x070;
    static final int EXT_RAMDISK_IMAGE = 0x0c0;
    static final int EXT_RAMDISK_SIZE = 0x0c4;
    static final int EXT_CMD_LINE_PTR = 0x0c8;
    static final int E820_ENTRIES = 0x1e8;
    static final int SETUP_HEADER = 0x1f1;
    static final int TYPE_OF_LOADER = 0x210;
    static final int LOADFLAGS = 0x211;
    static final int RAMDISK_IMAGE = 0x218;
    static final int RAMDISK_SIZE = 0x21c;
    static final int HEAP_END_PTR = 0x224;
    static final int CMD_LINE_PTR = 0x228;
    static final int E820_TABLE = 0x2d0;
    static final int E820_MAX_ENTRIES = 128;

    /** type_of_loader 0xFF: "undefined" boot loader, as boot.rst asks unregistered loaders to use. */
    static final int LOADER_UNDEFINED = 0xff;
    static final int CAN_USE_HEAP = 0x80;

    private ZeroPage() {}

    /**
     * Builds the zero page.
     *
     * @param initrdAddress 0 with {@code initrdSize} 0 when there is no initrd
     */
    public static byte[] build(BzImage kernel, long cmdlineAddress, long initrdAddress, long initrdSize,
                               List<E820Map.Entry> e820, long rsdpAddress) {
        if (e820.size() > E820_MAX_ENTRIES) {
            throw new IllegalArgumentException("at most 128 e820 entries");
        }
        ByteBuffer z = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        z.put(SETUP_HEADER, kernel.setupHeader());
        z.put(TYPE_OF_LOADER, (byte) LOADER_UNDEFINED);
        int loadflags = kernel.loadflags() | CAN_USE_HEAP;
        z.put(LOADFLAGS, (byte) loadflags);
        z.putShort(HEAP_END_PTR, (short) (0xfe00 - 0x200)); // as boot.rst suggests for a 64 KiB setup area
        z.putInt(CMD_LINE_PTR, (int) cmdlineAddress);
        z.putInt(EXT_CMD_LINE_PTR, (int) (cmdlineAddress >>> 32));
        z.putInt(RAMDISK_IMAGE, (int) initrdAddress);
        z.putInt(EXT_RAMDISK_IMAGE, (int) (initrdAddress >>> 32));
        z.putInt(RAMDISK_SIZE, (int) initrdSize);
        z.putInt(EXT_RAMDISK_SIZE, (int) (initrdSize >>> 32));
        z.putLong(ACPI_RSDP_ADDR, rsdpAddress);
        z.put(E820_ENTRIES, (byte) e820.size());
        for (int i = 0; i < e820.size(); i++) {
            int at = E820_TABLE + 20 * i;
            z.putLong(at, e820.get(i).address());
            z.putLong(at + 8, e820.get(i).size());
            z.putInt(at + 16, e820.get(i).type());
        }
        return z.array();
    }
}
