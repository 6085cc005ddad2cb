package dev.airlock.netstack.testing;

import dev.airlock.netstack.packet.EthernetFrame;
import dev.airlock.netstack.packet.Ipv4Packet;
import dev.airlock.netstack.packet.Parsed;
import dev.airlock.netstack.tcp.TcpSegment;
import io.netty.buffer.ByteBuf;

/**
 * A frame the stack sent, decoded for assertions. Decoding uses the stack's own views, which
 * also re-verifies every checksum the stack computed.
 */
public record Captured(ByteBuf frame, long dstMac, int etherType, Ipv4Packet ip, TcpSegment tcp) {
    public static Captured of(ByteBuf frame) {
        EthernetFrame eth = ((Parsed.Ok<EthernetFrame>) EthernetFrame.parse(frame)).view();
        Ipv4Packet ip = null;
        TcpSegment tcp = null;
        if (eth.etherType() == EthernetFrame.TYPE_IPV4) {
            if (Ipv4Packet.parse(frame, eth.payloadOffset(), eth.payloadLength()) instanceof Parsed.Ok<Ipv4Packet>(var v)) {
                ip = v;
                if (ip.protocol() == Ipv4Packet.PROTO_TCP && TcpSegment.parse(ip) instanceof Parsed.Ok<TcpSegment>(var t)) {
                    tcp = t;
                }
            } else {
                throw new AssertionError("stack sent an invalid IPv4 packet");
            }
        }
        return new Captured(frame, eth.destination(), eth.etherType(), ip, tcp);
    }

    public boolean isTcp(int flags) {
        return tcp != null && (tcp.flags() & 0x3f & ~TcpSegment.PSH) == flags;
    }

    public int icmpType() {
        return ip.buffer().getUnsignedByte(ip.payloadOffset());
    }

    public int icmpCode() {
        return ip.buffer().getUnsignedByte(ip.payloadOffset() + 1);
    }

    public String payloadString() {
        return tcp.buffer().toString(tcp.payloadOffset(), tcp.payloadLength(), java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
