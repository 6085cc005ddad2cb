package dev.airlock.netstack.packet;

import dev.airlock.netstack.Counter;
import io.netty.buffer.ByteBuf;

/** Validated view of an IPv6 fixed header (RFC 8200): version and payload length checked. */
public final class Ipv6Packet {
    public static final int HEADER = 40;
    public static final int NEXT_ICMPV6 = 58;

    private final ByteBuf buf;
    private final int at;
    private final int payloadLength;

    private Ipv6Packet(ByteBuf buf, int at, int payloadLength) {
        this.buf = buf;
        this.at = at;
        this.payloadLength = payloadLength;
    }

    public static Parsed<Ipv6Packet> parse(ByteBuf buf, int offset, int available) {
        if (available < HEADER || (buf.getUnsignedByte(offset) >>> 4) != 6) {
            return Parsed.bad(Counter.IP6_MALFORMED);
        }
        int len = buf.getUnsignedShort(offset + 4);
        if (HEADER + len > available) {
            return Parsed.bad(Counter.IP6_MALFORMED);
        }
        return Parsed.ok(new Ipv6Packet(buf, offset, len));
    }

    public ByteBuf buffer() {
        return buf;
    }

    public int offset() {
        return at;
    }

    public int nextHeader() {
        return buf.getUnsignedByte(at + 6);
    }

    public int hopLimit() {
        return buf.getUnsignedByte(at + 7);
    }

    public byte[] source() {
        byte[] a = new byte[16];
        buf.getBytes(at + 8, a);
        return a;
    }

    public byte[] destination() {
        byte[] a = new byte[16];
        buf.getBytes(at + 24, a);
        return a;
    }

    public boolean destinationIsMulticast() {
        return buf.getUnsignedByte(at + 24) == 0xff;
    }

    public boolean sourceIsUnspecifiedOrMulticast() {
        if (buf.getUnsignedByte(at + 8) == 0xff) {
            return true;
        }
        for (int i = 0; i < 16; i++) {
            if (buf.getByte(at + 8 + i) != 0) return false;
        }
        return true;
    }

    public int payloadOffset() {
        return at + HEADER;
    }

    public int payloadLength() {
        return payloadLength;
    }

    public int totalLength() {
        return HEADER + payloadLength;
    }

    public static void writeHeader(ByteBuf out, int index, int payloadLength, int nextHeader, int hopLimit,
                                   byte[] src, byte[] dst) {
        out.setInt(index, 0x6000_0000);
        out.setShort(index + 4, payloadLength);
        out.setByte(index + 6, nextHeader);
        out.setByte(index + 7, hopLimit);
        out.setBytes(index + 8, src);
        out.setBytes(index + 24, dst);
    }
}
