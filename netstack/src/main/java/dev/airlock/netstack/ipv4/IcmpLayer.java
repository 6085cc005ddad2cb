package dev.airlock.netstack.ipv4;

import dev.airlock.netstack.Counter;
import dev.airlock.netstack.Ipv4Output;
import dev.airlock.netstack.Ipv4Transport;
import dev.airlock.netstack.NetstackCounters;
import dev.airlock.netstack.StackContext;
import dev.airlock.netstack.packet.Checksum;
import dev.airlock.netstack.packet.IcmpMessage;
import dev.airlock.netstack.packet.Ipv4Packet;
import dev.airlock.netstack.packet.Parsed;
import io.netty.buffer.ByteBuf;

/**
 * ICMPv4 from the guest: echo requests to the gateway address are answered; echo requests to
 * any other destination are refused with administratively-prohibited (the stack never pretends
 * a remote host answered); everything else is counted and ignored.
 */
public final class IcmpLayer implements Ipv4Transport {
    private final StackContext ctx;
    private final NetstackCounters counters;
    private final Ipv4Layer ip;

    public IcmpLayer(StackContext ctx, Ipv4Layer ip) {
        this.ctx = ctx;
        this.counters = ctx.counters();
        this.ip = ip;
    }

    @Override
    public void receive(Ipv4Packet packet) {
        switch (IcmpMessage.parse(packet.buffer(), packet.payloadOffset(), packet.payloadLength())) {
            case Parsed.Bad<IcmpMessage>(Counter why) -> counters.inc(why);
            case Parsed.Ok<IcmpMessage>(IcmpMessage icmp) -> handle(packet, icmp);
        }
    }

    private void handle(Ipv4Packet packet, IcmpMessage icmp) {
        if (icmp.type() != IcmpMessage.ECHO_REQUEST || icmp.code() != 0) {
            counters.inc(Counter.ICMP_IGNORED);
            return;
        }
        if (packet.destination() != ctx.config().gatewayIp()) {
            counters.inc(Counter.ICMP_ECHO_REFUSED);
            ip.refuse(packet, IcmpMessage.CODE_ADMIN_PROHIBITED);
            return;
        }
        ByteBuf reply = ctx.allocate(Ipv4Output.HEADROOM, icmp.length());
        int at = reply.writerIndex();
        reply.writeBytes(packet.buffer(), icmp.offset(), icmp.length());
        reply.setByte(at, IcmpMessage.ECHO_REPLY);
        reply.setShort(at + 2, 0);
        reply.setShort(at + 2, Checksum.finish(Checksum.add(0, reply, at, icmp.length())));
        counters.inc(Counter.ICMP_ECHO_REPLIES);
        ip.send(reply, packet.destination(), packet.source(), Ipv4Packet.PROTO_ICMP);
    }
}
