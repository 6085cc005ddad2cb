package dev.airlock.vmm.memory;

import dev.airlock.vmm.kvm.AnonymousMemory;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Guest RAM: one host mapping that backs guest-physical addresses {@code [0, size())}.
 *
 * <p>Every accessor takes a guest-physical address and checks it, overflow-safe, against the
 * RAM size, so device code cannot reach host memory outside the guest's RAM whatever address
 * a guest hands it. Device code validates guest-supplied ranges with {@link #contains} first
 * (and counts the failure); an accessor that still sees a bad range is a monitor bug and
 * throws {@link GuestMemoryException}. All multi-byte values are little-endian, as on x86 and
 * in virtio.
 */
public final class GuestMemory implements AutoCloseable {

    static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final MemorySegment ram;
    private final AutoCloseable owner;

    private GuestMemory(MemorySegment ram, AutoCloseable owner) {
        this.ram = ram;
        this.owner = owner;
    }

    /** Maps {@code size} bytes of anonymous memory (a multiple of 4 KiB) as guest RAM. */
    public static GuestMemory allocate(long size) {
        if (size > AddressMap.MMIO_GAP_START) {
            throw new IllegalArgumentException("guest RAM of " + size + " bytes would overlap the MMIO gap at 0x"
                    + Long.toHexString(AddressMap.MMIO_GAP_START) + "; at most "
                    + (AddressMap.MMIO_GAP_START >> 20) + " MiB is supported");
        }
        AnonymousMemory mapping = AnonymousMemory.map(size);
        return new GuestMemory(mapping.segment(), mapping);
    }

    /** Uses an existing segment as guest RAM (tests; the caller keeps ownership). */
    public static GuestMemory wrap(MemorySegment segment) {
        return new GuestMemory(segment, () -> {});
    }

    public long size() {
        return ram.byteSize();
    }

    /** Whether {@code [gpa, gpa + length)} lies inside guest RAM (false on overflow or negative values). */
    public boolean contains(long gpa, long length) {
        return gpa >= 0 && length >= 0 && gpa <= ram.byteSize() && length <= ram.byteSize() - gpa;
    }

    private void check(long gpa, long length) {
        if (!contains(gpa, length)) {
            throw new GuestMemoryException(gpa, length, ram.byteSize());
        }
    }

    /** A view of {@code [gpa, gpa + length)}; the range must lie in guest RAM. */
    public MemorySegment slice(long gpa, long length) {
        check(gpa, length);
        return ram.asSlice(gpa, length);
    }

    /** Bytes of guest RAM resident in host memory: what the guest (and the monitor) touched so far. */
    public long residentBytes() {
        return AnonymousMemory.residentBytes(ram);
    }

    /** The whole RAM mapping, for registering it with KVM. */
    public MemorySegment hostSegment() {
        return ram;
    }

    public int readU8(long gpa) {
        check(gpa, 1);
        return ram.get(ValueLayout.JAVA_BYTE, gpa) & 0xff;
    }

    public int readU16(long gpa) {
        check(gpa, 2);
        return ram.get(U16, gpa) & 0xffff;
    }

    public int readU32(long gpa) {
        check(gpa, 4);
        return ram.get(U32, gpa);
    }

    public long readU64(long gpa) {
        check(gpa, 8);
        return ram.get(U64, gpa);
    }

    public void writeU8(long gpa, int value) {
        check(gpa, 1);
        ram.set(ValueLayout.JAVA_BYTE, gpa, (byte) value);
    }

    public void writeU16(long gpa, int value) {
        check(gpa, 2);
        ram.set(U16, gpa, (short) value);
    }

    public void writeU32(long gpa, int value) {
        check(gpa, 4);
        ram.set(U32, gpa, value);
    }

    public void writeU64(long gpa, long value) {
        check(gpa, 8);
        ram.set(U64, gpa, value);
    }

    public void read(long gpa, byte[] dst, int offset, int length) {
        check(gpa, length);
        MemorySegment.copy(ram, ValueLayout.JAVA_BYTE, gpa, dst, offset, length);
    }

    public byte[] read(long gpa, int length) {
        byte[] out = new byte[length];
        read(gpa, out, 0, length);
        return out;
    }

    public void write(long gpa, byte[] src) {
        write(gpa, src, 0, src.length);
    }

    public void write(long gpa, byte[] src, int offset, int length) {
        check(gpa, length);
        MemorySegment.copy(src, offset, ram, ValueLayout.JAVA_BYTE, gpa, length);
    }

    /** Copies {@code length} bytes of {@code src} from {@code offset} to {@code gpa}. */
    public void write(long gpa, MemorySegment src, long offset, long length) {
        check(gpa, length);
        MemorySegment.copy(src, offset, ram, gpa, length);
    }

    /** Copies the remaining bytes of {@code src} to {@code gpa}, advancing its position. */
    public void write(long gpa, ByteBuffer src) {
        int n = src.remaining();
        check(gpa, n);
        MemorySegment.copy(MemorySegment.ofBuffer(src), 0, ram, gpa, n);
        src.position(src.position() + n);
    }

    /** Zeroes {@code [gpa, gpa + length)}. */
    public void fill(long gpa, long length, byte value) {
        slice(gpa, length).fill(value);
    }

    @Override
    public void close() {
        try {
            owner.close();
        } catch (Exception e) {
            throw new IllegalStateException("cannot release guest memory", e);
        }
    }
}
