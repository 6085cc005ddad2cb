package dev.airlock.netstack.packet;

import dev.airlock.netstack.Counter;
import io.netty.buffer.ByteBuf;

/** Validated view of a UDP datagram over IPv4 (RFC 768): length and checksum checked. */
public final class UdpDatagram {
    public static final int HEADER = 8;

    private final ByteBuf buf;
    private final int at;
    private final int length;

    private UdpDatagram(ByteBuf buf, int at, int length) {
        this.buf = buf;
        this.at = at;
        this.length = length;
    }

    /** {@code available} is the IP payload length; the UDP length field must fit inside it. */
    public static Parsed<UdpDatagram> parse(ByteBuf buf, int offset, int available, int src, int dst) {
        return parse(buf, offset, available, src, dst, true);
    }

    /** As above; {@code verifyChecksum} false when the link vouches for it ({@link Ipv4Packet#transportChecksumTrusted()}). */
    public static Parsed<UdpDatagram> parse(ByteBuf buf, int offset, int available, int src, int dst, boolean verifyChecksum) {
        if (available < HEADER) {
            return Parsed.bad(Counter.UDP_MALFORMED);
        }
        int length = buf.getUnsignedShort(offset + 4);
        if (length < HEADER || length > available) {
            return Parsed.bad(Counter.UDP_MALFORMED);
        }
        if (verifyChecksum && buf.getUnsignedShort(offset + 6) != 0
                && !Checksum.verifies(Checksum.pseudoHeader4(src, dst, Ipv4Packet.PROTO_UDP, length), buf, offset, length)) {
            return Parsed.bad(Counter.UDP_BAD_CHECKSUM);
        }
        return Parsed.ok(new UdpDatagram(buf, offset, length));
    }

    public int sourcePort() {
        return buf.getUnsignedShort(at);
    }

    public int destinationPort() {
        return buf.getUnsignedShort(at + 2);
    }

    public int payloadOffset() {
        return at + HEADER;
    }

    public int payloadLength() {
        return length - HEADER;
    }

    public ByteBuf buffer() {
        return buf;
    }

    /** Writes the header at {@code index} over a payload already in place; computes the checksum. */
    public static void writeHeader(ByteBuf out, int index, int srcPort, int dstPort, int payloadLength, int src, int dst) {
        int length = HEADER + payloadLength;
        out.setShort(index, srcPort);
        out.setShort(index + 2, dstPort);
        out.setShort(index + 4, length);
        out.setShort(index + 6, 0);
        int c = Checksum.finish(Checksum.add(Checksum.pseudoHeader4(src, dst, Ipv4Packet.PROTO_UDP, length), out, index, length));
        out.setShort(index + 6, c == 0 ? 0xffff : c);
    }
}
