package dev.airlock.netstack.packet;

import dev.airlock.netstack.Counter;
import io.netty.buffer.ByteBuf;

/**
 * Validated view of an IPv4 packet (RFC 791): version, header length, total length, header
 * checksum and TTL are checked before the view exists. Bytes past the total length (Ethernet
 * padding) are not part of the view.
 */
public final class Ipv4Packet {
    public static final int MIN_HEADER = 20;
    public static final int PROTO_ICMP = 1;
    public static final int PROTO_TCP = 6;
    public static final int PROTO_UDP = 17;
    public static final int FLAG_DF = 0x4000;
    public static final int FLAG_MF = 0x2000;

    private final ByteBuf buf;
    private final int at;
    private final int headerLength;
    private final int totalLength;
    private final boolean transportChecksumTrusted;

    private Ipv4Packet(ByteBuf buf, int at, int headerLength, int totalLength, boolean transportChecksumTrusted) {
        this.buf = buf;
        this.at = at;
        this.headerLength = headerLength;
        this.totalLength = totalLength;
        this.transportChecksumTrusted = transportChecksumTrusted;
    }

    /** Validates the packet of at most {@code available} bytes at absolute {@code offset}. */
    public static Parsed<Ipv4Packet> parse(ByteBuf buf, int offset, int available) {
        return parse(buf, offset, available, false);
    }

    /**
     * Validates the packet; {@code transportChecksumTrusted} marks it as one whose TCP/UDP
     * checksum the link vouches for (the header checksum is verified all the same).
     */
    public static Parsed<Ipv4Packet> parse(ByteBuf buf, int offset, int available, boolean transportChecksumTrusted) {
        if (available < MIN_HEADER) {
            return Parsed.bad(Counter.IP4_TOO_SHORT);
        }
        int vihl = buf.getUnsignedByte(offset);
        if ((vihl >>> 4) != 4) {
            return Parsed.bad(Counter.IP4_BAD_VERSION);
        }
        int ihl = (vihl & 0xf) * 4;
        if (ihl < MIN_HEADER || ihl > available) {
            return Parsed.bad(Counter.IP4_BAD_IHL);
        }
        int total = buf.getUnsignedShort(offset + 2);
        if (total < ihl || total > available) {
            return Parsed.bad(Counter.IP4_BAD_TOTAL_LENGTH);
        }
        if (!Checksum.verifies(0, buf, offset, ihl)) {
            return Parsed.bad(Counter.IP4_BAD_CHECKSUM);
        }
        if (buf.getUnsignedByte(offset + 8) == 0) {
            return Parsed.bad(Counter.IP4_TTL_ZERO);
        }
        return Parsed.ok(new Ipv4Packet(buf, offset, ihl, total, transportChecksumTrusted));
    }

    /**
     * True when the TCP/UDP checksum need not be verified: the sender, the guest kernel, left it
     * to the device (virtio-net NEEDS_CSUM) or had it verified (DATA_VALID), and no wire between
     * it and the stack can corrupt the bytes.
     */
    public boolean transportChecksumTrusted() {
        return transportChecksumTrusted;
    }

    public ByteBuf buffer() {
        return buf;
    }

    public int offset() {
        return at;
    }

    public int headerLength() {
        return headerLength;
    }

    public int totalLength() {
        return totalLength;
    }

    public int identification() {
        return buf.getUnsignedShort(at + 4);
    }

    public boolean moreFragments() {
        return (buf.getUnsignedShort(at + 6) & FLAG_MF) != 0;
    }

    /** Fragment offset in bytes. */
    public int fragmentOffset() {
        return (buf.getUnsignedShort(at + 6) & 0x1fff) * 8;
    }

    public boolean isFragment() {
        return moreFragments() || fragmentOffset() != 0;
    }

    public int ttl() {
        return buf.getUnsignedByte(at + 8);
    }

    public int protocol() {
        return buf.getUnsignedByte(at + 9);
    }

    public int source() {
        return buf.getInt(at + 12);
    }

    public int destination() {
        return buf.getInt(at + 16);
    }

    public int payloadOffset() {
        return at + headerLength;
    }

    public int payloadLength() {
        return totalLength - headerLength;
    }

    /**
     * The bytes an ICMP error quotes: the header and up to {@code maxPayload} payload bytes
     * (RFC 792 requires 8; RFC 1812 allows more).
     */
    public byte[] quote(int maxPayload) {
        int n = headerLength + Math.min(maxPayload, payloadLength());
        byte[] out = new byte[n];
        buf.getBytes(at, out);
        return out;
    }

    /** Writes a 20-byte header at {@code index}, checksum included. */
    public static void writeHeader(ByteBuf out, int index, int totalLength, int id, int flags, int ttl,
                                   int protocol, int src, int dst) {
        out.setByte(index, 0x45);
        out.setByte(index + 1, 0);
        out.setShort(index + 2, totalLength);
        out.setShort(index + 4, id);
        out.setShort(index + 6, flags);
        out.setByte(index + 8, ttl);
        out.setByte(index + 9, protocol);
        out.setShort(index + 10, 0);
        out.setInt(index + 12, src);
        out.setInt(index + 16, dst);
        out.setShort(index + 10, Checksum.finish(Checksum.add(0, out, index, MIN_HEADER)));
    }
}
