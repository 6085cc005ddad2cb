package dev.airlock.vmm.boot;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A parsed Linux x86 bzImage (Documentation/arch/x86/boot.rst): the real-mode setup header and
 * where the protected-mode kernel starts in the file.
 *
 * <p>airlock enters the kernel through its 64-bit entry point, so it needs boot protocol 2.12 or
 * newer ({@code xloadflags} with XLF_KERNEL_64) and a kernel built to load high.
 */
public final class BzImage {

    /** Boot protocol 2.12: xloadflags, the 64-bit entry, ext_* fields. */
    public static final int MIN_PROTOCOL = 0x020c;

    static final int SETUP_SECTS = 0x1f1;
    static final int BOOT_FLAG = 0x1fe;
    static final int JUMP = 0x200;
    static final int HEADER = 0x202;
    static final int VERSION = 0x206;
    static final int LOADFLAGS = 0x211;
    static final int INITRD_ADDR_MAX = 0x22c;
    static final int KERNEL_ALIGNMENT = 0x230;
    static final int RELOCATABLE = 0x234;
    static final int XLOADFLAGS = 0x236;
    static final int CMDLINE_SIZE = 0x238;
    static final int PREF_ADDRESS = 0x258;
    static final int INIT_SIZE = 0x260;

    static final int HDRS_MAGIC = 0x53726448; // "HdrS"
    static final int LOADED_HIGH = 0x01;
    static final int XLF_KERNEL_64 = 0x01;

    private final MemorySegment image;
    private final ByteBuffer le;
    private final int setupSects;
    private final int version;
    private final int headerEnd;

    private BzImage(MemorySegment image, ByteBuffer le) {
        this.image = image;
        this.le = le;
        int sects = le.get(SETUP_SECTS) & 0xff;
        this.setupSects = sects == 0 ? 4 : sects;
        this.version = le.getShort(VERSION) & 0xffff;
        this.headerEnd = HEADER + (le.get(JUMP + 1) & 0xff); // 0x202 + the jump's offset byte
    }

    public static BzImage parse(MemorySegment image) throws BootException {
        if (image.byteSize() < 0x1000 || image.byteSize() > Integer.MAX_VALUE) {
            throw new BootException(new BootError.NotABzImage(image.byteSize() + " bytes"));
        }
        ByteBuffer le = image.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        if ((le.getShort(BOOT_FLAG) & 0xffff) != 0xaa55) {
            throw new BootException(new BootError.NotABzImage("no 0xAA55 boot flag at 0x1FE"));
        }
        if (le.getInt(HEADER) != HDRS_MAGIC) {
            throw new BootException(new BootError.NotABzImage("no \"HdrS\" magic at 0x202"));
        }
        BzImage b = new BzImage(image, le);
        if (b.version < MIN_PROTOCOL) {
            throw new BootException(new BootError.ProtocolTooOld(b.version, MIN_PROTOCOL));
        }
        if ((b.loadflags() & LOADED_HIGH) == 0) {
            throw new BootException(new BootError.Unsupported("a zImage (loads low); build a bzImage"));
        }
        if ((b.xloadflags() & XLF_KERNEL_64) == 0) {
            throw new BootException(new BootError.Unsupported("no 64-bit entry point (XLF_KERNEL_64); build an x86_64 kernel"));
        }
        if (b.headerEnd > 0x1000 || b.kernelOffset() >= image.byteSize()) {
            throw new BootException(new BootError.NotABzImage("setup header or setup sectors past the end of the file"));
        }
        return b;
    }

    public int protocolVersion() {
        return version;
    }

    public int setupSectors() {
        return setupSects;
    }

    public int loadflags() {
        return le.get(LOADFLAGS) & 0xff;
    }

    public int xloadflags() {
        return le.getShort(XLOADFLAGS) & 0xffff;
    }

    public long initrdAddressMax() {
        return Integer.toUnsignedLong(le.getInt(INITRD_ADDR_MAX));
    }

    /** Longest command line the kernel accepts, without the terminating NUL. */
    public long cmdlineSizeMax() {
        return Integer.toUnsignedLong(le.getInt(CMDLINE_SIZE));
    }

    public long kernelAlignment() {
        return Integer.toUnsignedLong(le.getInt(KERNEL_ALIGNMENT));
    }

    public boolean relocatable() {
        return le.get(RELOCATABLE) != 0;
    }

    public long preferredAddress() {
        return le.getLong(PREF_ADDRESS);
    }

    /** Memory the kernel needs from its load address while it decompresses and initialises. */
    public long initSize() {
        return Integer.toUnsignedLong(le.getInt(INIT_SIZE));
    }

    /** File offset of the protected-mode kernel: after the boot sector and the setup sectors. */
    public int kernelOffset() {
        return (setupSects + 1) * 512;
    }

    public int kernelSize() {
        return (int) image.byteSize() - kernelOffset();
    }

    /** The setup header as it appears in the file, from 0x1F1 to its end. */
    public byte[] setupHeader() {
        byte[] h = new byte[headerEnd - SETUP_SECTS];
        le.get(SETUP_SECTS, h);
        return h;
    }

    MemorySegment image() {
        return image;
    }
}
