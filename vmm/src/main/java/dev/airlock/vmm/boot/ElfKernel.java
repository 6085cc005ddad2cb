package dev.airlock.vmm.boot;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * An uncompressed x86-64 kernel ELF (vmlinux) with a PVH entry point: its loadable segments and
 * the 32-bit entry address from the {@code XEN_ELFNOTE_PHYS32_ENTRY} note (name "Xen", type
 * 18). Every offset read from the file is checked against the file's size.
 */
public final class ElfKernel {

    static final int PT_LOAD = 1;
    static final int PT_NOTE = 4;
    static final int XEN_ELFNOTE_PHYS32_ENTRY = 18;
    static final int EM_X86_64 = 62;
    static final int MAX_SEGMENTS = 64;

    /** One PT_LOAD segment: copy {@code fileSize} bytes from {@code fileOffset} to {@code physAddr}, zero to {@code memSize}. */
    public record Segment(long physAddr, long fileOffset, long fileSize, long memSize) {}

    private final MemorySegment file;
    private final List<Segment> segments;
    private final long pvhEntry;

    private ElfKernel(MemorySegment file, List<Segment> segments, long pvhEntry) {
        this.file = file;
        this.segments = segments;
        this.pvhEntry = pvhEntry;
    }

    public List<Segment> segments() {
        return segments;
    }

    /** Guest-physical address of the PVH 32-bit entry point. */
    public long pvhEntry() {
        return pvhEntry;
    }

    MemorySegment file() {
        return file;
    }

    public static ElfKernel parse(MemorySegment f) throws BootException {
        if (f.byteSize() < 64 || f.byteSize() > Integer.MAX_VALUE) {
            throw bad(f.byteSize() < 64 ? "no ELF magic" : "larger than 2 GiB");
        }
        ByteBuffer b = f.asByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt(0) != 0x464c457f) {
            throw bad("no ELF magic");
        }
        if (b.get(4) != 2 || b.get(5) != 1) {
            throw bad("not a 64-bit little-endian ELF");
        }
        if ((b.getShort(18) & 0xffff) != EM_X86_64) {
            throw bad("not an x86-64 ELF (e_machine " + (b.getShort(18) & 0xffff) + ")");
        }
        long phoff = b.getLong(32);
        int phentsize = b.getShort(54) & 0xffff;
        int phnum = b.getShort(56) & 0xffff;
        if (phentsize < 56 || phnum == 0 || phnum > MAX_SEGMENTS || !fits(b, phoff, (long) phentsize * phnum)) {
            throw bad("program header table missing or outside the file");
        }
        List<Segment> segments = new ArrayList<>();
        Long entry = null;
        for (int i = 0; i < phnum; i++) {
            int ph = (int) (phoff + (long) i * phentsize);
            int type = b.getInt(ph);
            long offset = b.getLong(ph + 8);
            long paddr = b.getLong(ph + 24);
            long filesz = b.getLong(ph + 32);
            long memsz = b.getLong(ph + 40);
            if (!fits(b, offset, filesz)) {
                throw bad("segment " + i + " lies outside the file");
            }
            if (type == PT_LOAD) {
                if (memsz < filesz) {
                    throw bad("segment " + i + " is smaller in memory than in the file");
                }
                segments.add(new Segment(paddr, offset, filesz, memsz));
            } else if (type == PT_NOTE && entry == null) {
                entry = findPvhEntry(b, offset, filesz);
            }
        }
        if (entry == null) {
            throw bad("no XEN_ELFNOTE_PHYS32_ENTRY note: build the kernel with CONFIG_PVH=y");
        }
        return new ElfKernel(f, List.copyOf(segments), entry);
    }

    private static Long findPvhEntry(ByteBuffer b, long offset, long size) {
        long at = offset;
        long end = offset + size;
        while (at + 12 <= end) {
            long namesz = Integer.toUnsignedLong(b.getInt((int) at));
            long descsz = Integer.toUnsignedLong(b.getInt((int) at + 4));
            int type = b.getInt((int) at + 8);
            long name = at + 12;
            long desc = name + align4(namesz);
            long next = desc + align4(descsz);
            if (next > end || next < at) {
                return null; // a truncated or absurd note ends the scan
            }
            if (type == XEN_ELFNOTE_PHYS32_ENTRY && namesz == 4 && b.get((int) name) == 'X'
                    && b.get((int) name + 1) == 'e' && b.get((int) name + 2) == 'n') {
                if (descsz == 4) {
                    return Integer.toUnsignedLong(b.getInt((int) desc));
                }
                if (descsz == 8) {
                    return b.getLong((int) desc);
                }
            }
            at = next;
        }
        return null;
    }

    private static long align4(long v) {
        return (v + 3) & ~3L;
    }

    private static boolean fits(ByteBuffer f, long offset, long length) {
        return offset >= 0 && length >= 0 && offset <= f.capacity() && length <= f.capacity() - offset;
    }

    private static BootException bad(String detail) {
        return new BootException(new BootError.BadElf(detail));
    }
}
