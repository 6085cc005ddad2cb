package dev.airlock.netstack.packet;

import dev.airlock.netstack.Counter;
import io.netty.buffer.ByteBuf;

/** Validated view of an Ethernet/IPv4 ARP packet (RFC 826). */
public final class ArpPacket {
    public static final int LENGTH = 28;
    public static final int OP_REQUEST = 1;
    public static final int OP_REPLY = 2;

    private final ByteBuf buf;
    private final int at;

    private ArpPacket(ByteBuf buf, int at) {
        this.buf = buf;
        this.at = at;
    }

    public static Parsed<ArpPacket> parse(ByteBuf buf, int offset, int length) {
        if (length < LENGTH
                || buf.getUnsignedShort(offset) != 1 // hardware type Ethernet
                || buf.getUnsignedShort(offset + 2) != EthernetFrame.TYPE_IPV4
                || buf.getUnsignedByte(offset + 4) != 6
                || buf.getUnsignedByte(offset + 5) != 4) {
            return Parsed.bad(Counter.ARP_MALFORMED);
        }
        return Parsed.ok(new ArpPacket(buf, offset));
    }

    public int operation() {
        return buf.getUnsignedShort(at + 6);
    }

    public long senderMac() {
        return MacAddress.read(buf, at + 8);
    }

    public int senderIp() {
        return buf.getInt(at + 14);
    }

    public long targetMac() {
        return MacAddress.read(buf, at + 18);
    }

    public int targetIp() {
        return buf.getInt(at + 24);
    }

    public static void write(ByteBuf out, int index, int op, long senderMac, int senderIp, long targetMac, int targetIp) {
        out.setShort(index, 1);
        out.setShort(index + 2, EthernetFrame.TYPE_IPV4);
        out.setByte(index + 4, 6);
        out.setByte(index + 5, 4);
        out.setShort(index + 6, op);
        MacAddress.write(out, index + 8, senderMac);
        out.setInt(index + 14, senderIp);
        MacAddress.write(out, index + 18, targetMac);
        out.setInt(index + 24, targetIp);
    }
}
