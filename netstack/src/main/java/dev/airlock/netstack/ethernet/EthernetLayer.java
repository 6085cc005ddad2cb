package dev.airlock.netstack.ethernet;

import dev.airlock.netstack.Counter;
import dev.airlock.netstack.NetstackCounters;
import dev.airlock.netstack.NetworkReceiver;
import dev.airlock.netstack.StackConfig;
import dev.airlock.netstack.link.LinkEndpoint;
import dev.airlock.netstack.packet.ArpPacket;
import dev.airlock.netstack.packet.EthernetFrame;
import dev.airlock.netstack.packet.MacAddress;
import dev.airlock.netstack.packet.Parsed;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/**
 * Ethernet II on a point-to-point guest link: accepts frames for the gateway MAC (and
 * broadcast, and IPv6 multicast for NDP), answers ARP for the gateway address, learns the
 * guest's MAC, and frames outbound packets. Runs on the stack thread.
 */
public final class EthernetLayer {
    private final StackConfig config;
    private final NetstackCounters counters;
    private final LinkEndpoint link;
    private final long ourMac;
    private NetworkReceiver ipv4 = (f, o, l, t) -> {};
    private NetworkReceiver ipv6 = (f, o, l, t) -> {};
    private long guestMac = MacAddress.BROADCAST.bits();

    public EthernetLayer(StackConfig config, NetstackCounters counters, LinkEndpoint link) {
        this.config = config;
        this.counters = counters;
        this.link = link;
        this.ourMac = config.gatewayMac().bits();
    }

    public void attach(NetworkReceiver ipv4, NetworkReceiver ipv6) {
        this.ipv4 = ipv4;
        this.ipv6 = ipv6;
    }

    /** The guest's MAC as last learned (broadcast until the guest has sent a frame). */
    public long guestMac() {
        return guestMac;
    }

    public long ourMac() {
        return ourMac;
    }

    /**
     * Handles one inbound frame; the caller releases it afterwards. {@code checksumTrusted}: the
     * link vouches for its TCP/UDP checksum, which is then not verified.
     */
    public void receive(ByteBuf frame, boolean checksumTrusted) {
        switch (EthernetFrame.parse(frame)) {
            case Parsed.Bad<EthernetFrame>(Counter why) -> counters.inc(why);
            case Parsed.Ok<EthernetFrame>(EthernetFrame eth) -> dispatch(eth, checksumTrusted);
        }
    }

    private void dispatch(EthernetFrame eth, boolean checksumTrusted) {
        long dst = eth.destination();
        int type = eth.etherType();
        boolean forUs = dst == ourMac || dst == MacAddress.BROADCAST.bits()
                || (type == EthernetFrame.TYPE_IPV6 && (dst >>> 32) == 0x3333);
        if (!forUs) {
            counters.inc(Counter.ETH_NOT_FOR_US);
            return;
        }
        long src = eth.source();
        if (((src >>> 40) & 1) == 0 && src != 0) {
            guestMac = src; // one guest per link: its unicast source MAC is where replies go
        }
        switch (type) {
            case EthernetFrame.TYPE_IPV4 -> ipv4.receive(eth.buffer(), eth.payloadOffset(), eth.payloadLength(), checksumTrusted);
            case EthernetFrame.TYPE_IPV6 -> ipv6.receive(eth.buffer(), eth.payloadOffset(), eth.payloadLength(), checksumTrusted);
            case EthernetFrame.TYPE_ARP -> arp(eth);
            default -> counters.inc(Counter.ETH_UNKNOWN_TYPE);
        }
    }

    private void arp(EthernetFrame eth) {
        switch (ArpPacket.parse(eth.buffer(), eth.payloadOffset(), eth.payloadLength())) {
            case Parsed.Bad<ArpPacket>(Counter why) -> counters.inc(why);
            case Parsed.Ok<ArpPacket>(ArpPacket arp) -> {
                if (arp.operation() != ArpPacket.OP_REQUEST || arp.targetIp() != config.gatewayIp()) {
                    counters.inc(Counter.ARP_IGNORED);
                    return;
                }
                ByteBuf out = Unpooled.buffer(EthernetFrame.HEADER_LENGTH + ArpPacket.LENGTH);
                out.writerIndex(EthernetFrame.HEADER_LENGTH + ArpPacket.LENGTH);
                EthernetFrame.writeHeader(out, 0, arp.senderMac(), ourMac, EthernetFrame.TYPE_ARP);
                ArpPacket.write(out, EthernetFrame.HEADER_LENGTH, ArpPacket.OP_REPLY, ourMac, config.gatewayIp(),
                        arp.senderMac(), arp.senderIp());
                counters.inc(Counter.ARP_REPLIES);
                transmit(out);
            }
        }
    }

    /**
     * Frames and sends an L3 packet to the guest. {@code packet}'s reader index is at the L3
     * header with at least 14 bytes of headroom. Takes ownership.
     */
    public void send(ByteBuf packet, int etherType) {
        int at = packet.readerIndex() - EthernetFrame.HEADER_LENGTH;
        EthernetFrame.writeHeader(packet, at, guestMac, ourMac, etherType);
        packet.readerIndex(at);
        transmit(packet);
    }

    /** Sends a frame addressed to a specific MAC (IPv6 neighbor advertisements). */
    public void sendTo(ByteBuf packet, int etherType, long dstMac) {
        int at = packet.readerIndex() - EthernetFrame.HEADER_LENGTH;
        EthernetFrame.writeHeader(packet, at, dstMac, ourMac, etherType);
        packet.readerIndex(at);
        transmit(packet);
    }

    private void transmit(ByteBuf frame) {
        counters.inc(Counter.LINK_TX_FRAMES);
        link.writeFrame(frame);
    }
}
