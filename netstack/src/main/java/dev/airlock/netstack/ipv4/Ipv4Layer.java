package dev.airlock.netstack.ipv4;

import dev.airlock.netstack.Counter;
import dev.airlock.netstack.Ipv4Output;
import dev.airlock.netstack.Ipv4Transport;
import dev.airlock.netstack.NetstackCounters;
import dev.airlock.netstack.NetworkReceiver;
import dev.airlock.netstack.StackContext;
import dev.airlock.netstack.ethernet.EthernetLayer;
import dev.airlock.netstack.packet.Checksum;
import dev.airlock.netstack.packet.EthernetFrame;
import dev.airlock.netstack.packet.IcmpMessage;
import dev.airlock.netstack.packet.Ip4;
import dev.airlock.netstack.packet.Ipv4Packet;
import dev.airlock.netstack.packet.Parsed;
import io.netty.buffer.ByteBuf;

/**
 * IPv4 on the guest link: validates headers, enforces the guest source address, reassembles
 * fragments, dispatches to transports by protocol, and sends packets and ICMP errors toward
 * the guest. The stack plays every destination, so any unicast destination is accepted.
 */
public final class Ipv4Layer implements NetworkReceiver, Ipv4Output {
    /** ICMP errors quote the offending header plus this many payload bytes (RFC 1812 allows up to 576 in total). */
    public static final int QUOTE_PAYLOAD = 64;

    private final StackContext ctx;
    private final NetstackCounters counters;
    private final EthernetLayer ethernet;
    private final FragmentReassembler reassembler;
    private final Ipv4Transport[] transports = new Ipv4Transport[256];
    private int nextId;
    private double icmpTokens;
    private long icmpRefillAt;

    public Ipv4Layer(StackContext ctx, EthernetLayer ethernet) {
        this.ctx = ctx;
        this.counters = ctx.counters();
        this.ethernet = ethernet;
        this.reassembler = new FragmentReassembler(ctx.config().fragments(), counters);
        this.icmpTokens = ctx.config().icmpErrorsPerSecond();
    }

    public void register(int protocol, Ipv4Transport transport) {
        transports[protocol] = transport;
    }

    public FragmentReassembler reassembler() {
        return reassembler;
    }

    @Override
    public void receive(ByteBuf frame, int offset, int length, boolean checksumTrusted) {
        switch (Ipv4Packet.parse(frame, offset, length, checksumTrusted)) {
            case Parsed.Bad<Ipv4Packet>(Counter why) -> counters.inc(why);
            case Parsed.Ok<Ipv4Packet>(Ipv4Packet ip) -> accept(ip);
        }
    }

    private void accept(Ipv4Packet ip) {
        int guest = ctx.config().guestIp();
        if (guest != 0 && ip.source() != guest) {
            counters.inc(Counter.IP4_BAD_SOURCE);
            return;
        }
        if (Ip4.isNonUnicast(ip.destination()) || Ip4.isNonUnicast(ip.source())) {
            counters.inc(Counter.IP4_NOT_UNICAST);
            return;
        }
        if (!ip.isFragment()) {
            dispatch(ip);
            return;
        }
        ByteBuf whole = reassembler.offer(ip, ctx.nowMillis());
        if (whole == null) {
            return;
        }
        try {
            switch (Ipv4Packet.parse(whole, 0, whole.readableBytes())) {
                case Parsed.Bad<Ipv4Packet>(Counter why) -> counters.inc(why);
                case Parsed.Ok<Ipv4Packet>(Ipv4Packet full) -> dispatch(full);
            }
        } finally {
            whole.release();
        }
    }

    private void dispatch(Ipv4Packet ip) {
        Ipv4Transport t = transports[ip.protocol()];
        if (t == null) {
            counters.inc(Counter.IP4_UNKNOWN_PROTOCOL);
            boolean toGateway = ip.destination() == ctx.config().gatewayIp();
            refuse(ip, toGateway ? IcmpMessage.CODE_PROTOCOL_UNREACHABLE : IcmpMessage.CODE_ADMIN_PROHIBITED);
            return;
        }
        counters.inc(Counter.IP4_DELIVERED);
        t.receive(ip);
    }

    /**
     * Answers {@code ip} with a destination-unreachable error of {@code code}, unless RFC 1122
     * forbids an error for it (ICMP errors, non-initial fragments).
     */
    public void refuse(Ipv4Packet ip, int code) {
        if (ip.fragmentOffset() != 0) {
            return;
        }
        if (ip.protocol() == Ipv4Packet.PROTO_ICMP && ip.payloadLength() >= 1) {
            int type = ip.buffer().getUnsignedByte(ip.payloadOffset());
            if (type != IcmpMessage.ECHO_REQUEST && type != IcmpMessage.ECHO_REPLY) {
                return;
            }
        }
        int src = code == IcmpMessage.CODE_PORT_UNREACHABLE || code == IcmpMessage.CODE_PROTOCOL_UNREACHABLE
                ? ip.destination() : ctx.config().gatewayIp();
        sendIcmpError(src, ip.source(), ip.quote(QUOTE_PAYLOAD), IcmpMessage.DEST_UNREACHABLE, code);
    }

    @Override
    public void send(ByteBuf packet, int src, int dst, int protocol) {
        int at = packet.readerIndex() - Ipv4Packet.MIN_HEADER;
        int total = packet.readableBytes() + Ipv4Packet.MIN_HEADER;
        int flags = protocol == Ipv4Packet.PROTO_TCP ? Ipv4Packet.FLAG_DF : 0;
        Ipv4Packet.writeHeader(packet, at, total, nextId++ & 0xffff, flags, 64, protocol, src, dst);
        packet.readerIndex(at);
        ethernet.send(packet, EthernetFrame.TYPE_IPV4);
    }

    @Override
    public void sendIcmpError(int src, int dst, byte[] quote, int type, int code) {
        if (!takeIcmpToken()) {
            counters.inc(Counter.ICMP_ERRORS_RATE_LIMITED);
            return;
        }
        ByteBuf b = ctx.allocate(HEADROOM, IcmpMessage.HEADER + quote.length);
        int at = b.writerIndex();
        b.writeByte(type).writeByte(code).writeShort(0).writeInt(0).writeBytes(quote);
        b.setShort(at + 2, Checksum.finish(Checksum.add(0, b, at, b.writerIndex() - at)));
        counters.inc(Counter.ICMP_ERRORS_SENT);
        send(b, src, dst, Ipv4Packet.PROTO_ICMP);
    }

    private boolean takeIcmpToken() {
        int rate = ctx.config().icmpErrorsPerSecond();
        long now = ctx.nowMillis();
        icmpTokens = Math.min(rate, icmpTokens + (now - icmpRefillAt) * rate / 1000.0);
        icmpRefillAt = now;
        if (icmpTokens >= 1) {
            icmpTokens -= 1;
            return true;
        }
        return false;
    }
}
