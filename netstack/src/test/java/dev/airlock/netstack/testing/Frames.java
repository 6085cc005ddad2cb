package dev.airlock.netstack.testing;

import dev.airlock.netstack.packet.ArpPacket;
import dev.airlock.netstack.packet.Checksum;
import dev.airlock.netstack.packet.EthernetFrame;
import dev.airlock.netstack.packet.Ipv4Packet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** Builds guest-side frames for black-box tests: correct by default, every field overridable. */
public final class Frames {
    public static final long GUEST_MAC = 0x02_00_00_00_00_02L;
    public static final long GATEWAY_MAC = 0x02_a1_0c_00_00_01L;

    private Frames() {}

    public static ByteBuf ethernet(long dst, int etherType, ByteBuf payload) {
        ByteBuf f = Unpooled.buffer(14 + payload.readableBytes());
        f.writerIndex(14);
        EthernetFrame.writeHeader(f, 0, dst, GUEST_MAC, etherType);
        f.writeBytes(payload);
        payload.release();
        return f;
    }

    public static ByteBuf arpRequest(int senderIp, int targetIp) {
        ByteBuf a = Unpooled.buffer(28);
        a.writerIndex(28);
        ArpPacket.write(a, 0, ArpPacket.OP_REQUEST, GUEST_MAC, senderIp, 0, targetIp);
        return ethernet(0xffff_ffff_ffffL, EthernetFrame.TYPE_ARP, a);
    }

    /** An IPv4 packet (no fragmentation) around {@code payload}. */
    public static ByteBuf ipv4(int src, int dst, int protocol, ByteBuf payload) {
        return ipv4(src, dst, protocol, 64, 1, 0, payload);
    }

    public static ByteBuf ipv4(int src, int dst, int protocol, int ttl, int id, int flagsAndOffset, ByteBuf payload) {
        int len = payload.readableBytes();
        ByteBuf p = Unpooled.buffer(20 + len);
        p.writerIndex(20);
        p.writeBytes(payload);
        Ipv4Packet.writeHeader(p, 0, 20 + len, id, flagsAndOffset, ttl, protocol, src, dst);
        payload.release();
        return p;
    }

    public static ByteBuf ipv4Frame(int src, int dst, int protocol, ByteBuf payload) {
        return ethernet(GATEWAY_MAC, EthernetFrame.TYPE_IPV4, ipv4(src, dst, protocol, payload));
    }

    public static ByteBuf icmpEcho(int id, int seq, byte[] data) {
        ByteBuf b = Unpooled.buffer(8 + data.length);
        b.writeByte(8).writeByte(0).writeShort(0).writeShort(id).writeShort(seq).writeBytes(data);
        b.setShort(2, Checksum.finish(Checksum.add(0, b, 0, b.writerIndex())));
        return b;
    }

    public static ByteBuf udp(int src, int dst, int srcPort, int dstPort, byte[] data) {
        ByteBuf b = Unpooled.buffer(8 + data.length);
        b.writeShort(srcPort).writeShort(dstPort).writeShort(8 + data.length).writeShort(0).writeBytes(data);
        int c = Checksum.finish(Checksum.add(Checksum.pseudoHeader4(src, dst, 17, 8 + data.length), b, 0, b.writerIndex()));
        b.setShort(6, c == 0 ? 0xffff : c);
        return b;
    }

    /** A TCP segment with raw option bytes (padded to 4) and payload, checksum filled in. */
    public static ByteBuf tcp(int src, int dst, int srcPort, int dstPort, int seq, int ack, int flags, int window,
                              byte[] options, byte[] data) {
        int optLen = (options.length + 3) & ~3;
        ByteBuf b = Unpooled.buffer(20 + optLen + data.length);
        b.writeShort(srcPort).writeShort(dstPort).writeInt(seq).writeInt(ack);
        b.writeByte(((20 + optLen) / 4) << 4).writeByte(flags).writeShort(window).writeShort(0).writeShort(0);
        b.writeBytes(options);
        b.writeZero(optLen - options.length);
        b.writeBytes(data);
        int len = b.writerIndex();
        b.setShort(16, Checksum.finish(Checksum.add(Checksum.pseudoHeader4(src, dst, 6, len), b, 0, len)));
        return b;
    }

    /** MSS 1460, SACK-permitted, timestamps, window scale 7 — what Linux puts on a SYN. */
    public static byte[] linuxSynOptions(int tsVal) {
        return new byte[] {2, 4, 0x05, (byte) 0xb4, 4, 2, 8, 10,
                (byte) (tsVal >>> 24), (byte) (tsVal >>> 16), (byte) (tsVal >>> 8), (byte) tsVal, 0, 0, 0, 0,
                1, 3, 3, 7};
    }
}
