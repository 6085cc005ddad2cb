package dev.airlock.netstack.ipv6;

import dev.airlock.netstack.Counter;
import dev.airlock.netstack.NetstackCounters;
import dev.airlock.netstack.NetworkReceiver;
import dev.airlock.netstack.StackContext;
import dev.airlock.netstack.ethernet.EthernetLayer;
import dev.airlock.netstack.packet.Checksum;
import dev.airlock.netstack.packet.EthernetFrame;
import dev.airlock.netstack.packet.Ipv6Packet;
import dev.airlock.netstack.packet.Parsed;
import io.netty.buffer.ByteBuf;
import java.util.Arrays;

/**
 * IPv6 is refused, explicitly. The stack sends no router advertisements, so a guest has no
 * IPv6 default route and its IPv6 connects to the outside fail locally at once. Anything that
 * still reaches the stack is answered, never silently dropped: neighbor solicitations for the
 * gateway's link-local address get an advertisement (so link-local attempts do not hang in
 * address resolution), echo requests to that address are answered, and every other unicast
 * packet gets ICMPv6 destination-unreachable code 1, "communication administratively
 * prohibited" (RFC 4443 3.1). Link-local multicast and NDP/MLD control traffic carry no
 * policy-relevant flow and are counted and dropped.
 */
public final class Ipv6Layer implements NetworkReceiver {
    private static final int ICMP6_DEST_UNREACHABLE = 1;
    private static final int CODE_ADMIN_PROHIBITED = 1;
    private static final int ECHO_REQUEST = 128;
    private static final int ECHO_REPLY = 129;
    private static final int NEIGHBOR_SOLICITATION = 135;
    private static final int NEIGHBOR_ADVERTISEMENT = 136;
    /** RFC 4443 2.4(c): an error carries as much of the packet as fits in the minimum MTU. */
    private static final int MAX_QUOTE = 1280 - Ipv6Packet.HEADER - 8;

    private final StackContext ctx;
    private final NetstackCounters counters;
    private final EthernetLayer ethernet;
    private final byte[] linkLocal;
    private double tokens;
    private long refillAt;

    public Ipv6Layer(StackContext ctx, EthernetLayer ethernet) {
        this.ctx = ctx;
        this.counters = ctx.counters();
        this.ethernet = ethernet;
        this.linkLocal = linkLocalOf(ctx.config().gatewayMac().toBytes());
        this.tokens = ctx.config().icmpErrorsPerSecond();
    }

    /** fe80::/64 with the modified EUI-64 interface identifier of {@code mac} (RFC 4291 appendix A). */
    public static byte[] linkLocalOf(byte[] mac) {
        byte[] a = new byte[16];
        a[0] = (byte) 0xfe;
        a[1] = (byte) 0x80;
        a[8] = (byte) (mac[0] ^ 0x02);
        a[9] = mac[1];
        a[10] = mac[2];
        a[11] = (byte) 0xff;
        a[12] = (byte) 0xfe;
        a[13] = mac[3];
        a[14] = mac[4];
        a[15] = mac[5];
        return a;
    }

    public byte[] linkLocalAddress() {
        return linkLocal.clone();
    }

    @Override
    public void receive(ByteBuf frame, int offset, int length, boolean checksumTrusted) {
        switch (Ipv6Packet.parse(frame, offset, length)) {
            case Parsed.Bad<Ipv6Packet>(Counter why) -> counters.inc(why);
            case Parsed.Ok<Ipv6Packet>(Ipv6Packet ip) -> handle(ip);
        }
    }

    private void handle(Ipv6Packet ip) {
        if (ip.sourceIsUnspecifiedOrMulticast()) {
            counters.inc(Counter.IP6_CONTROL_DROPPED); // DAD probes and the like; no one to answer
            return;
        }
        boolean toUs = Arrays.equals(ip.destination(), linkLocal);
        if (ip.nextHeader() == Ipv6Packet.NEXT_ICMPV6) {
            ByteBuf b = ip.buffer();
            int at = ip.payloadOffset();
            int len = ip.payloadLength();
            if (len < 8 || !Checksum.verifies(Checksum.pseudoHeader6(ip.source(), ip.destination(),
                    Ipv6Packet.NEXT_ICMPV6, len), b, at, len)) {
                counters.inc(Counter.IP6_MALFORMED);
                return;
            }
            int type = b.getUnsignedByte(at);
            if (type == NEIGHBOR_SOLICITATION && len >= 24 && ip.hopLimit() == 255) {
                byte[] target = new byte[16];
                b.getBytes(at + 8, target);
                if (Arrays.equals(target, linkLocal)) {
                    counters.inc(Counter.IP6_NDP_ANSWERED);
                    sendAdvertisement(ip.source());
                    return;
                }
            }
            if (type == ECHO_REQUEST && toUs) {
                ByteBuf reply = allocate(len);
                int r = reply.writerIndex();
                reply.writeBytes(b, at, len);
                reply.setByte(r, ECHO_REPLY);
                send(reply, ip.source(), 64);
                return;
            }
            if (type < 128 || type > ECHO_REPLY) {
                counters.inc(Counter.IP6_CONTROL_DROPPED); // errors, NDP, MLD: never answered with errors
                return;
            }
        }
        if (ip.destinationIsMulticast()) {
            counters.inc(Counter.IP6_CONTROL_DROPPED);
            return;
        }
        counters.inc(Counter.IP6_REFUSED);
        refuse(ip);
    }

    private void refuse(Ipv6Packet ip) {
        long now = ctx.nowMillis();
        int rate = ctx.config().icmpErrorsPerSecond();
        tokens = Math.min(rate, tokens + (now - refillAt) * rate / 1000.0);
        refillAt = now;
        if (tokens < 1) {
            counters.inc(Counter.ICMP_ERRORS_RATE_LIMITED);
            return;
        }
        tokens--;
        int quote = Math.min(MAX_QUOTE, ip.totalLength());
        ByteBuf b = allocate(8 + quote);
        b.writeByte(ICMP6_DEST_UNREACHABLE).writeByte(CODE_ADMIN_PROHIBITED).writeShort(0).writeInt(0);
        b.writeBytes(ip.buffer(), ip.offset(), quote);
        counters.inc(Counter.ICMP_ERRORS_SENT);
        send(b, ip.source(), 64);
    }

    private void sendAdvertisement(byte[] to) {
        ByteBuf b = allocate(32);
        b.writeByte(NEIGHBOR_ADVERTISEMENT).writeByte(0).writeShort(0);
        b.writeInt(0x6000_0000); // Solicited | Override
        b.writeBytes(linkLocal);
        b.writeByte(2).writeByte(1).writeBytes(ctx.config().gatewayMac().toBytes()); // target link-layer address
        send(b, to, 255);
    }

    private ByteBuf allocate(int icmpLength) {
        return ctx.allocate(EthernetFrame.HEADER_LENGTH + Ipv6Packet.HEADER, icmpLength);
    }

    /** Fills the ICMPv6 checksum and the IPv6 header in front of the message, then sends it. */
    private void send(ByteBuf icmp, byte[] dst, int hopLimit) {
        int at = icmp.readerIndex();
        int len = icmp.readableBytes();
        icmp.setShort(at + 2, 0);
        long sum = Checksum.pseudoHeader6(linkLocal, dst, Ipv6Packet.NEXT_ICMPV6, len);
        icmp.setShort(at + 2, Checksum.finish(Checksum.add(sum, icmp, at, len)));
        Ipv6Packet.writeHeader(icmp, at - Ipv6Packet.HEADER, len, Ipv6Packet.NEXT_ICMPV6, hopLimit, linkLocal, dst);
        icmp.readerIndex(at - Ipv6Packet.HEADER);
        ethernet.send(icmp, EthernetFrame.TYPE_IPV6);
    }
}
