package dev.airlock.vmm.virtio;

import dev.airlock.vmm.memory.GuestMemory;
import java.util.List;

/**
 * A validated descriptor chain: its head index and its buffers in order, device-readable ones
 * first. Every buffer lies inside guest RAM (checked when the chain was popped), so the copy
 * methods here cannot leave guest memory.
 *
 * <p>The readable buffers form one logical byte stream and the writable buffers another;
 * offsets passed to the copy methods are positions in those streams.
 */
public final class DescriptorChain {

    /** One buffer: guest-physical address, length, and whether the device may write it. */
    public record Buffer(long address, int length, boolean writable) {}

    private final int head;
    private final List<Buffer> buffers;
    private final long readableLength;
    private final long writableLength;

    DescriptorChain(int head, List<Buffer> buffers) {
        this.head = head;
        this.buffers = List.copyOf(buffers);
        long r = 0;
        long w = 0;
        for (Buffer b : buffers) {
            if (b.writable()) {
                w += Integer.toUnsignedLong(b.length());
            } else {
                r += Integer.toUnsignedLong(b.length());
            }
        }
        this.readableLength = r;
        this.writableLength = w;
    }

    public int head() {
        return head;
    }

    public List<Buffer> buffers() {
        return buffers;
    }

    /** Total bytes the device may read. */
    public long readableLength() {
        return readableLength;
    }

    /** Total bytes the device may write. */
    public long writableLength() {
        return writableLength;
    }

    /**
     * Copies {@code length} bytes from the readable stream at {@code offset} into {@code dst};
     * returns how many bytes were available (less than {@code length} at the end of the stream).
     */
    public int readFrom(GuestMemory memory, long offset, byte[] dst, int dstOffset, int length) {
        return copy(memory, false, offset, dst, dstOffset, length);
    }

    /**
     * Copies {@code length} bytes of {@code src} into the writable stream at {@code offset};
     * returns how many fitted.
     */
    public int writeTo(GuestMemory memory, long offset, byte[] src, int srcOffset, int length) {
        return copy(memory, true, offset, src, srcOffset, length);
    }

    private int copy(GuestMemory memory, boolean toGuest, long offset, byte[] bytes, int at, int length) {
        int done = 0;
        long skip = offset;
        for (Buffer b : buffers) {
            if (b.writable() != toGuest || done == length) {
                continue;
            }
            long len = Integer.toUnsignedLong(b.length());
            if (skip >= len) {
                skip -= len;
                continue;
            }
            int n = (int) Math.min(len - skip, length - done);
            if (toGuest) {
                memory.write(b.address() + skip, bytes, at + done, n);
            } else {
                memory.read(b.address() + skip, bytes, at + done, n);
            }
            done += n;
            skip = 0;
        }
        return done;
    }
}
