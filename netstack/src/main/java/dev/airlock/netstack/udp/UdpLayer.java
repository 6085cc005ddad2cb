package dev.airlock.netstack.udp;

import dev.airlock.netstack.Counter;
import dev.airlock.netstack.Ipv4Output;
import dev.airlock.netstack.Ipv4Transport;
import dev.airlock.netstack.NetstackCounters;
import dev.airlock.netstack.StackContext;
import dev.airlock.netstack.ipv4.Ipv4Layer;
import dev.airlock.netstack.packet.IcmpMessage;
import dev.airlock.netstack.packet.Ipv4Packet;
import dev.airlock.netstack.packet.Parsed;
import dev.airlock.netstack.packet.UdpDatagram;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.HashMap;
import java.util.Map;

/**
 * UDP over IPv4. Datagrams to a bound gateway port go to its listener; to an unbound gateway
 * port they get ICMP port-unreachable; to any other destination they get ICMP
 * administratively-prohibited (UDP flows to the outside are not supported yet, and refusal
 * must be visible to the guest, never a silent drop).
 */
public final class UdpLayer implements Ipv4Transport {
    private final StackContext ctx;
    private final NetstackCounters counters;
    private final Ipv4Layer ip;
    private final Map<Integer, UdpListener> bound = new HashMap<>();

    public UdpLayer(StackContext ctx, Ipv4Layer ip) {
        this.ctx = ctx;
        this.counters = ctx.counters();
        this.ip = ip;
    }

    /** Binds a gateway-address port. Call on the stack thread. */
    public void bind(int port, UdpListener listener) {
        bound.put(port, listener);
    }

    public void unbind(int port) {
        bound.remove(port);
    }

    @Override
    public void receive(Ipv4Packet packet) {
        switch (UdpDatagram.parse(packet.buffer(), packet.payloadOffset(), packet.payloadLength(),
                packet.source(), packet.destination(), !packet.transportChecksumTrusted())) {
            case Parsed.Bad<UdpDatagram>(Counter why) -> counters.inc(why);
            case Parsed.Ok<UdpDatagram>(UdpDatagram udp) -> deliver(packet, udp);
        }
    }

    private void deliver(Ipv4Packet packet, UdpDatagram udp) {
        if (packet.destination() != ctx.config().gatewayIp()) {
            counters.inc(Counter.UDP_PROHIBITED);
            ip.refuse(packet, IcmpMessage.CODE_ADMIN_PROHIBITED);
            return;
        }
        UdpListener l = bound.get(udp.destinationPort());
        if (l == null) {
            counters.inc(Counter.UDP_PORT_UNREACHABLE);
            ip.refuse(packet, IcmpMessage.CODE_PORT_UNREACHABLE);
            return;
        }
        counters.inc(Counter.UDP_DELIVERED);
        ByteBuf copy = Unpooled.copiedBuffer(udp.buffer().slice(udp.payloadOffset(), udp.payloadLength()));
        l.onDatagram(packet.source(), udp.sourcePort(), packet.destination(), udp.destinationPort(), copy);
    }

    /** Sends a datagram from the gateway port {@code srcPort} to the guest. Releases {@code payload}. */
    public void send(int srcPort, int dstIp, int dstPort, ByteBuf payload) {
        try {
            int n = payload.readableBytes();
            ByteBuf b = ctx.allocate(Ipv4Output.HEADROOM, UdpDatagram.HEADER + n);
            int at = b.writerIndex();
            b.writerIndex(at + UdpDatagram.HEADER);
            b.writeBytes(payload);
            UdpDatagram.writeHeader(b, at, srcPort, dstPort, n, ctx.config().gatewayIp(), dstIp);
            ip.send(b, ctx.config().gatewayIp(), dstIp, Ipv4Packet.PROTO_UDP);
        } finally {
            payload.release();
        }
    }
}
