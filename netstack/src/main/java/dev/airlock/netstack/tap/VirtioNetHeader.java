package dev.airlock.netstack.tap;

import dev.airlock.netstack.packet.Checksum;
import io.netty.buffer.ByteBuf;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The virtio-net header (virtio 1.x, section 5.1.6) that precedes every frame on a TAP opened
 * with IFF_VNET_HDR. Little-endian, 12 bytes (num_buffers included, as modern devices use):
 *
 * <pre>
 *  0 u8  flags        (1 = NEEDS_CSUM, 2 = DATA_VALID)
 *  1 u8  gso_type     (0 = NONE, 1 = TCPV4, 3 = UDP, 4 = TCPV6, 0x80 = ECN bit)
 *  2 u16 hdr_len
 *  4 u16 gso_size
 *  6 u16 csum_start
 *  8 u16 csum_offset
 * 10 u16 num_buffers
 * </pre>
 *
 * The TAP is opened with checksum offload only (TUN_F_CSUM, no segmentation offloads), so the
 * kernel may leave TCP/UDP checksums of the guest's frames to us (NEEDS_CSUM) and skip computing
 * them; a GSO frame is a protocol violation and is dropped. The stack takes NEEDS_CSUM frames as
 * they are (the checksum guards against a wire, and there is none), see {@link #accept}.
 *
 * <p>Toward the guest, IPv4/TCP frames carry NEEDS_CSUM (csum_start at the TCP header,
 * csum_offset 16): the stack wrote the pseudo-header sum and the kernel finishes the checksum
 * when it needs one — which accepting input does not require (nothing on this path needs TUNSETOFFLOAD).
 */
public final class VirtioNetHeader {
    public static final int LENGTH = 12;
    static final int FLAG_NEEDS_CSUM = 1;
    static final int FLAG_DATA_VALID = 2;
    static final int GSO_NONE = 0;
    private static final ValueLayout.OfShort LE_SHORT = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private VirtioNetHeader() {}

    /**
     * Writes the header for {@code frame} into the first {@link #LENGTH} bytes of {@code out}:
     * NEEDS_CSUM for an IPv4 TCP segment (whose checksum field holds the pseudo-header sum),
     * all zero otherwise.
     */
    static void writeForTransmit(MemorySegment out, ByteBuf frame) {
        out.asSlice(0, LENGTH).fill((byte) 0);
        int at = frame.readerIndex();
        if (frame.readableBytes() >= 14 + 20 + 20 && frame.getUnsignedShort(at + 12) == 0x0800
                && frame.getUnsignedByte(at + 14 + 9) == 6) {
            int start = 14 + (frame.getUnsignedByte(at + 14) & 0x0f) * 4;
            out.set(ValueLayout.JAVA_BYTE, 0, (byte) FLAG_NEEDS_CSUM);
            out.set(LE_SHORT, 6, (short) start);
            out.set(LE_SHORT, 8, (short) 16);
        }
    }

    /** Outcome of {@link #accept}. */
    public enum Verdict {
        /** A frame whose checksums are complete (and get verified like any other). */
        OK,
        /** A frame whose TCP/UDP checksum need not be verified: NEEDS_CSUM left as it is, or DATA_VALID. */
        TRUSTED,
        /** A GSO frame (offloads that were not asked for). */
        GSO,
        /** A header that does not fit the frame. */
        BAD
    }

    /**
     * Checks the header at the reader index and skips it; the frame follows. A NEEDS_CSUM frame
     * has its checksum completed when {@code completeChecksums}, and is otherwise left as it is
     * and reported TRUSTED, like a DATA_VALID one: the receiver skips the checksum.
     */
    public static Verdict accept(ByteBuf b, boolean completeChecksums) {
        if (b.readableBytes() < LENGTH) {
            return Verdict.BAD;
        }
        int at = b.readerIndex();
        int flags = b.getUnsignedByte(at);
        int gso = b.getUnsignedByte(at + 1) & 0x7f;
        if (gso != GSO_NONE) {
            return Verdict.GSO;
        }
        b.skipBytes(LENGTH);
        if ((flags & FLAG_NEEDS_CSUM) != 0) {
            int start = b.getUnsignedShortLE(at + 6);
            int offset = b.getUnsignedShortLE(at + 8);
            int frameLen = b.readableBytes();
            if (start + offset + 2 > frameLen) {
                return Verdict.BAD;
            }
            if (!completeChecksums) {
                return Verdict.TRUSTED;
            }
            int base = b.readerIndex();
            // the field holds the pseudo-header sum; fold the rest in and store the complement
            int c = Checksum.finish(Checksum.add(0, b, base + start, frameLen - start));
            b.setShort(base + start + offset, c);
            return Verdict.OK;
        }
        return (flags & FLAG_DATA_VALID) != 0 && !completeChecksums ? Verdict.TRUSTED : Verdict.OK;
    }
}
