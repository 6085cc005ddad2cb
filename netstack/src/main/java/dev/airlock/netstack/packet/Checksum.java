package dev.airlock.netstack.packet;

import io.netty.buffer.ByteBuf;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** The Internet checksum (RFC 1071): one's-complement sum of 16-bit words. */
public final class Checksum {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private Checksum() {}

    /** Adds {@code len} bytes at absolute index {@code off} to a running (unfolded) sum. */
    public static long add(long sum, ByteBuf buf, int off, int len) {
        if (len >= 64) {
            // Bulk path over the backing memory: one bounds check, then plain word loads the JIT
            // compiles to a tight loop (ByteBuf.getLong checks bounds and, on heap, assembles bytes).
            if (buf.hasArray()) {
                java.util.Objects.checkFromIndexSize(off, len, buf.capacity());
                return add(sum, buf.array(), buf.arrayOffset() + off, len);
            }
            if (buf.nioBufferCount() == 1) {
                return add(sum, buf.nioBuffer(off, len));
            }
            return add(sum, buf.nioBuffers(off, len));
        }
        int i = off;
        int end = off + len;
        // Eight bytes at a time, their two 32-bit halves added separately: the one's-complement
        // sum is the same whatever the word size (RFC 1071 2(B)), and a long absorbs the carries
        // of 2^31 such additions, far more than any packet has.
        while (end - i >= 8) {
            long w = buf.getLong(i);
            sum += (w >>> 32) + (w & 0xffffffffL);
            i += 8;
        }
        while (end - i >= 4) {
            sum += buf.getUnsignedInt(i);
            i += 4;
        }
        if (end - i >= 2) {
            sum += buf.getUnsignedShort(i);
            i += 2;
        }
        if (i < end) {
            sum += (buf.getUnsignedByte(i) << 8);
        }
        return sum;
    }

    public static long add(long sum, byte[] bytes, int off, int len) {
        int i = off;
        int end = off + len;
        while (end - i >= 8) {
            long w = (long) LONGS.get(bytes, i);
            sum += (w >>> 32) + (w & 0xffffffffL);
            i += 8;
        }
        while (end - i >= 2) {
            sum += ((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff);
            i += 2;
        }
        if (i < end) {
            sum += (bytes[i] & 0xff) << 8;
        }
        return sum;
    }

    /** Adds the remaining bytes of {@code b} (big-endian view; position and limit are not moved). */
    private static long add(long sum, ByteBuffer b) {
        int i = b.position();
        int end = b.limit();
        ByteBuffer be = b.order() == ByteOrder.BIG_ENDIAN ? b : b.duplicate().order(ByteOrder.BIG_ENDIAN);
        while (end - i >= 8) {
            long w = be.getLong(i);
            sum += (w >>> 32) + (w & 0xffffffffL);
            i += 8;
        }
        while (end - i >= 2) {
            sum += be.getShort(i) & 0xffff;
            i += 2;
        }
        if (i < end) {
            sum += (be.get(i) & 0xff) << 8;
        }
        return sum;
    }

    /**
     * Adds the parts of a composite (a segment's header and payload slices) one by one. A part
     * that starts at an odd distance from the first byte has its bytes in the other lanes of
     * the 16-bit words, so its folded sum is byte-swapped before it is added (RFC 1071 2(B)).
     */
    private static long add(long sum, ByteBuffer[] parts) {
        long at = 0;
        for (ByteBuffer part : parts) {
            long s = fold(add(0, part));
            sum += (at & 1) == 0 ? s : ((s & 0xff) << 8) | (s >>> 8);
            at += part.remaining();
        }
        return sum;
    }

    private static long fold(long sum) {
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return sum;
    }

    /** Folds a running sum into the final 16-bit one's-complement checksum field value. */
    public static int finish(long sum) {
        return (int) (~fold(sum) & 0xffff);
    }

    /**
     * The value a checksum field holds while its completion is left to the receiver of the frame
     * (virtio-net NEEDS_CSUM, Linux CHECKSUM_PARTIAL): the folded pseudo-header sum, not inverted.
     */
    public static int partial(long pseudoHeaderSum) {
        return ~finish(pseudoHeaderSum) & 0xffff;
    }

    /** IPv4 pseudo-header sum for TCP/UDP (RFC 793 / RFC 768). */
    public static long pseudoHeader4(int src, int dst, int protocol, int length) {
        return (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + protocol + length;
    }

    /** IPv6 pseudo-header sum (RFC 8200 section 8.1); addresses are 16-byte arrays. */
    public static long pseudoHeader6(byte[] src, byte[] dst, int nextHeader, int length) {
        long sum = add(0, src, 0, 16);
        sum = add(sum, dst, 0, 16);
        return sum + (length >>> 16) + (length & 0xffff) + nextHeader;
    }

    /** True when the bytes, including their embedded checksum field, sum to all-ones. */
    public static boolean verifies(long initial, ByteBuf buf, int off, int len) {
        return finish(add(initial, buf, off, len)) == 0;
    }
}
