package dev.airlock.netstack.packet;

import dev.airlock.netstack.Counter;
import io.netty.buffer.ByteBuf;

/** Validated view of an Ethernet II frame (no FCS; VLAN tags are not accepted). */
public final class EthernetFrame {
    public static final int HEADER_LENGTH = 14;
    public static final int TYPE_IPV4 = 0x0800;
    public static final int TYPE_ARP = 0x0806;
    public static final int TYPE_IPV6 = 0x86dd;

    private final ByteBuf buf;
    private final int start;

    private EthernetFrame(ByteBuf buf, int start) {
        this.buf = buf;
        this.start = start;
    }

    /** Validates the frame between {@code buf.readerIndex()} and {@code buf.writerIndex()}. */
    public static Parsed<EthernetFrame> parse(ByteBuf buf) {
        if (buf.readableBytes() < HEADER_LENGTH) {
            return Parsed.bad(Counter.ETH_TOO_SHORT);
        }
        return Parsed.ok(new EthernetFrame(buf, buf.readerIndex()));
    }

    public long destination() {
        return MacAddress.read(buf, start);
    }

    public long source() {
        return MacAddress.read(buf, start + 6);
    }

    public int etherType() {
        return buf.getUnsignedShort(start + 12);
    }

    public ByteBuf buffer() {
        return buf;
    }

    /** Absolute index of the first payload byte. */
    public int payloadOffset() {
        return start + HEADER_LENGTH;
    }

    public int payloadLength() {
        return buf.writerIndex() - payloadOffset();
    }

    /** Writes a header at {@code index}. */
    public static void writeHeader(ByteBuf out, int index, long dst, long src, int etherType) {
        MacAddress.write(out, index, dst);
        MacAddress.write(out, index + 6, src);
        out.setShort(index + 12, etherType);
    }
}
