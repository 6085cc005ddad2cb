package dev.airlock.netstack.layers;

import static dev.airlock.netstack.testing.StackHarness.GATEWAY;
import static dev.airlock.netstack.testing.StackHarness.GUEST;
import static dev.airlock.netstack.testing.StackHarness.REMOTE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.airlock.netstack.Counter;
import dev.airlock.netstack.StackConfig;
import dev.airlock.netstack.flow.FlowVerdict;
import dev.airlock.netstack.ipv4.FragmentLimits;
import dev.airlock.netstack.packet.ArpPacket;
import dev.airlock.netstack.packet.EthernetFrame;
import dev.airlock.netstack.packet.Ip4;
import dev.airlock.netstack.packet.Ipv4Packet;
import dev.airlock.netstack.packet.Parsed;
import dev.airlock.netstack.testing.Captured;
import dev.airlock.netstack.testing.Frames;
import dev.airlock.netstack.testing.StackHarness;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Black-box tests of Ethernet, ARP, IPv4, ICMP, UDP and reassembly through an in-memory link. */
class LinkAndNetworkLayerTest {
    private StackHarness h;

    private StackHarness start(StackConfig config) {
        h = new StackHarness(config, id -> CompletableFuture.completedFuture(FlowVerdict.reset()));
        return h;
    }

    @AfterEach
    void close() {
        if (h != null) h.close();
    }

    @Test
    void rfc826AnswersArpForTheGatewayOnly() throws Exception {
        start(StackConfig.defaults());
        h.send(Frames.arpRequest(GUEST, GATEWAY));
        Captured reply = h.next();
        assertEquals(EthernetFrame.TYPE_ARP, reply.etherType());
        assertEquals(Frames.GUEST_MAC, reply.dstMac());
        ArpPacket arp = ((Parsed.Ok<ArpPacket>) ArpPacket.parse(reply.frame(), 14, 28)).view();
        assertEquals(ArpPacket.OP_REPLY, arp.operation());
        assertEquals(Frames.GATEWAY_MAC, arp.senderMac());
        assertEquals(GATEWAY, arp.senderIp());
        h.send(Frames.arpRequest(GUEST, Ip4.parse("198.18.0.77")));
        assertNull(h.nextWithin(100));
        assertEquals(1, h.count(Counter.ARP_IGNORED));
    }

    @Test
    void ethernetDropsAreCounted() throws Exception {
        start(StackConfig.defaults());
        h.send(Unpooled.wrappedBuffer(new byte[10]));
        h.send(Frames.ethernet(0x02_99_99_99_99_99L, EthernetFrame.TYPE_IPV4, Unpooled.buffer(20).writeZero(20)));
        h.send(Frames.ethernet(Frames.GATEWAY_MAC, 0x8100, Unpooled.buffer(20).writeZero(20)));
        assertEquals(1, h.count(Counter.ETH_TOO_SHORT));
        assertEquals(1, h.count(Counter.ETH_NOT_FOR_US));
        assertEquals(1, h.count(Counter.ETH_UNKNOWN_TYPE));
    }

    @Test
    void rfc792EchoRepliesFromTheGateway() throws Exception {
        start(StackConfig.defaults());
        h.send(Frames.ipv4Frame(GUEST, GATEWAY, 1, Frames.icmpEcho(77, 3, "hello".getBytes())));
        Captured c = h.next();
        assertEquals(GATEWAY, c.ip().source());
        assertEquals(GUEST, c.ip().destination());
        assertEquals(0, c.icmpType());
        assertEquals("hello", c.frame().toString(c.ip().payloadOffset() + 8, 5, java.nio.charset.StandardCharsets.US_ASCII));
    }

    @Test
    void ipv4HeaderValidationCountsEachDefect() throws Exception {
        start(StackConfig.defaults());
        h.send(mutated(b -> b.setByte(14 + 10, b.getByte(14 + 10) ^ 1)));      // checksum
        h.send(mutated(b -> b.setByte(14, 0x65)));                              // version 6 in an IPv4 frame
        h.send(mutated(b -> fixChecksum(b.setByte(14, 0x44))));                 // IHL 16 bytes
        h.send(mutated(b -> fixChecksum(b.setShort(14 + 2, 9000))));            // total length beyond frame
        h.send(mutated(b -> fixChecksum(b.setByte(14 + 8, 0))));                // TTL 0
        h.send(mutated(b -> fixChecksum(b.setInt(14 + 12, Ip4.parse("10.0.0.9"))))); // spoofed source
        h.send(mutated(b -> fixChecksum(b.setInt(14 + 16, Ip4.parse("224.0.0.1"))))); // multicast
        assertEquals(1, h.count(Counter.IP4_BAD_CHECKSUM));
        assertEquals(1, h.count(Counter.IP4_BAD_VERSION));
        assertEquals(1, h.count(Counter.IP4_BAD_IHL));
        assertEquals(1, h.count(Counter.IP4_BAD_TOTAL_LENGTH));
        assertEquals(1, h.count(Counter.IP4_TTL_ZERO));
        assertEquals(1, h.count(Counter.IP4_BAD_SOURCE));
        assertEquals(1, h.count(Counter.IP4_NOT_UNICAST));
        assertNull(h.nextWithin(50), "no reply to invalid packets");
    }

    @Test
    void unknownProtocolGetsProtocolUnreachableAndUdpGetsPortUnreachable() throws Exception {
        start(StackConfig.defaults());
        h.send(Frames.ipv4Frame(GUEST, GATEWAY, 47, Unpooled.buffer(8).writeZero(8)));
        Captured proto = h.next();
        assertEquals(3, proto.icmpType());
        assertEquals(2, proto.icmpCode());
        h.send(Frames.ipv4Frame(GUEST, GATEWAY, 17, Frames.udp(GUEST, GATEWAY, 5000, 9999, new byte[4])));
        Captured port = h.next();
        assertEquals(3, port.icmpType());
        assertEquals(3, port.icmpCode());
        assertEquals(GATEWAY, port.ip().source());
        ByteBuf badUdp = Frames.udp(GUEST, GATEWAY, 5000, 9999, new byte[4]);
        badUdp.setShort(6, badUdp.getUnsignedShort(6) ^ 0x55);
        h.send(Frames.ipv4Frame(GUEST, GATEWAY, 17, badUdp));
        assertEquals(1, h.count(Counter.UDP_BAD_CHECKSUM));
        assertEquals(1, h.count(Counter.UDP_PORT_UNREACHABLE));
    }

    @Test
    void rfc791ReassemblesFragmentsOutOfOrder() throws Exception {
        start(StackConfig.defaults());
        byte[] data = new byte[3000];
        for (int i = 0; i < data.length; i++) data[i] = (byte) i;
        ByteBuf icmp = Frames.icmpEcho(1, 1, data);
        byte[] whole = new byte[icmp.readableBytes()];
        icmp.readBytes(whole);
        // three fragments: [0,1480) [1480,2960) [2960,3008), sent last-first
        h.send(fragment(77, whole, 2960, whole.length - 2960, false));
        h.send(fragment(77, whole, 0, 1480, true));
        h.send(fragment(77, whole, 1480, 1480, true));
        Captured reply = h.next();
        assertEquals(0, reply.icmpType());
        assertEquals(8 + 3000, reply.ip().payloadLength());
        assertEquals(3, h.count(Counter.FRAG_RECEIVED));
        assertEquals(1, h.count(Counter.FRAG_REASSEMBLED));
        assertEquals(0, h.stack.fragmentState()[0]);
    }

    @Test
    void reassemblyRejectsOverlapsAndEnforcesLimits() throws Exception {
        start(StackConfig.defaults().withFragments(new FragmentLimits(2, 4096, 4, 200)));
        byte[] whole = new byte[4000];
        h.send(fragment(1, whole, 0, 1480, true));
        h.send(fragment(1, new byte[4000], 8, 16, true));        // overlaps, different position
        assertEquals(1, h.count(Counter.FRAG_OVERLAP));
        h.send(fragment(2, whole, 0, 1480, true));
        h.send(fragment(3, whole, 0, 1480, true));
        h.send(fragment(4, whole, 0, 1480, true));                // third datagram: table holds 2
        assertEquals(1, h.count(Counter.FRAG_TABLE_FULL));
        h.send(fragment(5, whole, 65528, 16, false));             // runs past 65535
        assertEquals(1, h.count(Counter.FRAG_BAD_OFFSET));
        Thread.sleep(1300);                                       // timeout 200 ms, swept every second
        assertEquals(0, h.stack.fragmentState()[0]);
        assertEquals(2, h.count(Counter.FRAG_TIMEOUT));
        assertEquals(0, h.stack.fragmentState()[1]);
    }

    private static ByteBuf fragment(int id, byte[] whole, int offset, int len, boolean more) {
        ByteBuf part = Unpooled.wrappedBuffer(whole, offset, Math.min(len, Math.max(0, whole.length - offset)));
        int field = (more ? Ipv4Packet.FLAG_MF : 0) | (offset / 8);
        if (offset + len > whole.length) {
            part = Unpooled.buffer(len).writeZero(len);
        }
        return Frames.ethernet(Frames.GATEWAY_MAC, EthernetFrame.TYPE_IPV4,
                Frames.ipv4(GUEST, GATEWAY, 1, 64, id, field, part));
    }

    private static ByteBuf mutated(java.util.function.Consumer<ByteBuf> change) {
        ByteBuf f = Frames.ipv4Frame(GUEST, REMOTE, 17, Frames.udp(GUEST, REMOTE, 1, 2, new byte[8]));
        change.accept(f);
        return f;
    }

    private static ByteBuf fixChecksum(ByteBuf f) {
        int ihl = Math.max(20, (f.getUnsignedByte(14) & 0xf) * 4);
        f.setShort(14 + 10, 0);
        f.setShort(14 + 10, dev.airlock.netstack.packet.Checksum.finish(
                dev.airlock.netstack.packet.Checksum.add(0, f, 14, Math.min(ihl, f.readableBytes() - 14))));
        return f;
    }
}
