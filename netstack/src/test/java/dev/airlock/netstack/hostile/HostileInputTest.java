package dev.airlock.netstack.hostile;

import static dev.airlock.netstack.testing.StackHarness.GATEWAY;
import static dev.airlock.netstack.testing.StackHarness.GUEST;
import static dev.airlock.netstack.testing.StackHarness.REMOTE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.netstack.Counter;
import dev.airlock.netstack.NetStack;
import dev.airlock.netstack.NetstackCounters;
import dev.airlock.netstack.StackConfig;
import dev.airlock.netstack.flow.Flow;
import dev.airlock.netstack.flow.FlowHandler;
import dev.airlock.netstack.flow.FlowVerdict;
import dev.airlock.netstack.ipv4.FragmentLimits;
import dev.airlock.netstack.link.InMemoryLink;
import dev.airlock.netstack.packet.Checksum;
import dev.airlock.netstack.packet.EthernetFrame;
import dev.airlock.netstack.packet.Ipv4Packet;
import dev.airlock.netstack.tcp.TcpConfig;
import dev.airlock.netstack.tcp.TcpSegment;
import dev.airlock.netstack.testing.Frames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Invariant 6: a million random and structurally mutated frames (bad lengths, checksums,
 * options, fragment offsets, flags) go through the whole stack. Nothing may escape as an
 * exception, the stack thread must stay responsive, every bounded table must stay within its
 * limit, and the drops must show up in the counters.
 */
class HostileInputTest {
    private static final int FRAMES = 1_000_000;
    private static final int MAX_CONNECTIONS = 512;

    @Test
    void millionHostileFramesAreCountedNeverThrown() {
        FragmentLimits fragLimits = new FragmentLimits(32, 256 * 1024, 16, 2_000);
        StackConfig config = StackConfig.defaults().withFragments(fragLimits)
                .withTcp(TcpConfig.DEFAULT.withLimits(MAX_CONNECTIONS, 64, 1_000).withBuffers(16 * 1024, 16 * 1024));
        InMemoryLink link = new InMemoryLink();
        AtomicLong sent = new AtomicLong();
        int[] synAckSeq = new int[64];
        link.onOutbound(f -> {
            sent.incrementAndGet();
            // remember SYN-ACK sequence numbers so some guest ACKs complete handshakes
            if (f.readableBytes() >= 54 && f.getUnsignedShort(12) == EthernetFrame.TYPE_IPV4 && f.getUnsignedByte(23) == 6
                    && (f.getUnsignedByte(47) & 0x12) == 0x12) {
                int port = f.getUnsignedShort(36) - 20000;
                if (port >= 0 && port < synAckSeq.length) synAckSeq[port] = f.getInt(38);
            }
            f.release();
        });
        FlowHandler echo = new FlowHandler() {
            @Override
            public void onData(Flow flow, ByteBuf data) {
                flow.write(data);
            }
        };
        SplittableRandom verdicts = new SplittableRandom(1);
        NetStack stack = NetStack.start(config, link, id -> CompletableFuture.completedFuture(
                verdicts.nextInt(4) == 0 ? FlowVerdict.reset() : FlowVerdict.accept(echo)));
        Mutator m = new Mutator(new SplittableRandom(20240601), synAckSeq);
        long start = System.nanoTime();
        int maxConnections = 0;
        int maxFragBytes = 0;
        try {
            for (int batch = 0; batch < FRAMES / 10_000; batch++) {
                stack.call(() -> {
                    for (int i = 0; i < 10_000; i++) {
                        link.inject(m.next()); // on the stack thread: processed synchronously
                    }
                    return null;
                });
                maxConnections = Math.max(maxConnections, stack.tcpConnections());
                maxFragBytes = Math.max(maxFragBytes, stack.fragmentState()[1]);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            NetstackCounters c = stack.counters();
            System.out.printf("hostile input: %d frames in %.1f s, %d frames sent back, counters %s%n",
                    FRAMES, seconds, sent.get(), c);
            assertEquals(FRAMES, c.get(Counter.LINK_RX_FRAMES));
            assertEquals(0, c.get(Counter.STACK_INTERNAL_ERRORS), "no exception may escape a layer");
            assertEquals(0, c.get(Counter.FLOW_HANDLER_ERRORS));
            assertTrue(maxConnections <= MAX_CONNECTIONS, "connection table bounded: " + maxConnections);
            assertTrue(maxFragBytes <= fragLimits.maxBytes(), "reassembly bytes bounded: " + maxFragBytes);
            for (Counter drop : new Counter[] {Counter.ETH_TOO_SHORT, Counter.IP4_BAD_CHECKSUM, Counter.IP4_BAD_IHL,
                    Counter.IP4_BAD_TOTAL_LENGTH, Counter.TCP_BAD_CHECKSUM, Counter.TCP_BAD_OPTIONS,
                    Counter.TCP_MALFORMED, Counter.UDP_MALFORMED, Counter.FRAG_BAD_OFFSET, Counter.FRAG_OVERLAP,
                    Counter.ICMP_MALFORMED, Counter.TCP_ESTABLISHED, Counter.TCP_OUT_OF_WINDOW}) {
                assertTrue(c.get(drop) > 0, "exercised and counted: " + drop.metricName());
            }
            // What the stack still holds after a million frames: the live heap after a collection
            // (heap in use without one only says when the collector last ran).
            System.gc();
            long heapUsed = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
            System.out.printf("hostile input: live heap after GC %d MiB%n", heapUsed >> 20);
            assertTrue(heapUsed < 256L << 20, "heap stays bounded: " + heapUsed);
            assertTrue(seconds < 120, "took " + seconds + " s");
        } finally {
            stack.close();
        }
        assertTrue(stack.loop().isShutdown(), "the stack thread ended only because it was closed");
    }

    /** Produces random frames and mutated valid ones, deterministically from a seed. */
    private static final class Mutator {
        private final SplittableRandom r;
        private final int[] guestSeq = new int[64];
        private final int[] synAckSeq;

        Mutator(SplittableRandom r, int[] synAckSeq) {
            this.r = r;
            this.synAckSeq = synAckSeq;
        }

        ByteBuf next() {
            int kind = r.nextInt(100);
            if (kind < 15) {
                byte[] junk = new byte[r.nextInt(0, 1600)];
                r.nextBytes(junk);
                if (junk.length >= 14 && r.nextBoolean()) {
                    Unpooled.wrappedBuffer(junk).setShort(12, r.nextBoolean() ? EthernetFrame.TYPE_IPV4 : EthernetFrame.TYPE_IPV6);
                    junk[0] = 0x02; junk[1] = (byte) 0xa1; junk[2] = 0x0c; junk[3] = 0; junk[4] = 0; junk[5] = 1;
                }
                return Unpooled.wrappedBuffer(junk);
            }
            ByteBuf f = template(kind);
            int mutations = r.nextInt(0, 4);
            for (int i = 0; i < mutations; i++) {
                mutate(f);
            }
            if (r.nextInt(3) != 0) {
                fixChecksums(f); // most frames get valid checksums so that deeper layers see them
            }
            return f;
        }

        private ByteBuf template(int kind) {
            int conn = r.nextInt(guestSeq.length);
            int port = 20000 + conn;
            int remote = REMOTE + r.nextInt(4);
            if (kind < 40) {
                int flags = switch (r.nextInt(6)) {
                    case 0 -> TcpSegment.SYN;
                    case 1 -> TcpSegment.ACK | TcpSegment.PSH;
                    case 2 -> TcpSegment.ACK | TcpSegment.FIN;
                    case 3 -> TcpSegment.RST;
                    case 4 -> TcpSegment.ACK;
                    default -> r.nextInt(256);
                };
                byte[] data = new byte[(flags & TcpSegment.SYN) != 0 ? 0 : r.nextInt(0, 1200)];
                r.nextBytes(data);
                byte[] opts = (flags & TcpSegment.SYN) != 0 ? Frames.linuxSynOptions(r.nextInt()) : randomOptions();
                boolean plausible = r.nextInt(3) != 0;
                int seq = (flags & TcpSegment.SYN) != 0 ? (guestSeq[conn] = r.nextInt())
                        : guestSeq[conn] + 1 + (plausible ? 0 : r.nextInt(-3000, 70000));
                int ack = plausible ? synAckSeq[conn] + 1 : r.nextInt();
                if (plausible) remote = REMOTE;
                return Frames.ipv4Frame(GUEST, remote, 6, Frames.tcp(GUEST, remote, port, 80, seq, ack,
                        flags, r.nextInt(65536), opts, data));
            }
            if (kind < 55) {
                byte[] data = new byte[r.nextInt(0, 600)];
                r.nextBytes(data);
                int dst = r.nextBoolean() ? GATEWAY : remote;
                return Frames.ipv4Frame(GUEST, dst, 17, Frames.udp(GUEST, dst, port, r.nextInt(1, 65536), data));
            }
            if (kind < 65) {
                byte[] data = new byte[r.nextInt(0, 200)];
                return Frames.ipv4Frame(GUEST, r.nextBoolean() ? GATEWAY : remote, 1, Frames.icmpEcho(1, 2, data));
            }
            if (kind < 85) {
                // a fragment of a datagram: random id from a small set, random offset and size
                int len = r.nextInt(1, 1480);
                if (r.nextInt(4) != 0) len &= ~7;
                byte[] data = new byte[Math.max(len, 1)];
                r.nextBytes(data);
                int field = (r.nextInt(3) != 0 ? Ipv4Packet.FLAG_MF : 0) | r.nextInt(0, 8192);
                return Frames.ethernet(Frames.GATEWAY_MAC, EthernetFrame.TYPE_IPV4,
                        Frames.ipv4(GUEST, GATEWAY, r.nextBoolean() ? 1 : 17, 64, r.nextInt(8), field, Unpooled.wrappedBuffer(data)));
            }
            if (kind < 92) {
                return Frames.arpRequest(GUEST, r.nextBoolean() ? GATEWAY : r.nextInt());
            }
            byte[] v6 = new byte[40 + r.nextInt(0, 200)];
            r.nextBytes(v6);
            v6[0] = 0x60;
            v6[4] = (byte) ((v6.length - 40) >>> 8);
            v6[5] = (byte) (v6.length - 40);
            v6[6] = (byte) (r.nextBoolean() ? 6 : 58);
            return Frames.ethernet(Frames.GATEWAY_MAC, EthernetFrame.TYPE_IPV6, Unpooled.wrappedBuffer(v6));
        }

        private byte[] randomOptions() {
            byte[] o = new byte[r.nextInt(0, 41)];
            r.nextBytes(o);
            return o;
        }

        private void mutate(ByteBuf f) {
            int n = f.writerIndex();
            if (n == 0) {
                return;
            }
            switch (r.nextInt(8)) {
                case 0 -> f.setByte(r.nextInt(n), r.nextInt(256));                                 // any byte
                case 1 -> { if (n > 34) f.setByte(14 + r.nextInt(20), r.nextInt(256)); }          // IP header byte
                case 2 -> { if (n > 18) f.setShort(16, r.nextInt(65536)); }                        // total length
                case 3 -> { if (n > 15) f.setByte(14, 0x40 | r.nextInt(16)); }                     // IHL
                case 4 -> { if (n > 21) f.setShort(20, r.nextInt(65536)); }                        // flags + fragment offset
                case 5 -> { if (n > 46) f.setByte(46, r.nextInt(256)); }                           // TCP data offset
                case 6 -> f.writerIndex(r.nextInt(n + 1));                                         // truncate
                default -> { if (n > 54) f.setByte(54 + r.nextInt(Math.min(40, n - 54)), r.nextInt(256)); } // options
            }
        }

        /** Recomputes the IPv4 header and TCP/UDP/ICMP checksums where the lengths allow. */
        private static void fixChecksums(ByteBuf f) {
            if (f.writerIndex() < 34 || f.getUnsignedShort(12) != EthernetFrame.TYPE_IPV4) {
                return;
            }
            int ihl = (f.getUnsignedByte(14) & 0xf) * 4;
            int total = f.getUnsignedShort(16);
            if (ihl < 20 || 14 + ihl > f.writerIndex()) {
                return;
            }
            f.setShort(24, 0);
            f.setShort(24, Checksum.finish(Checksum.add(0, f, 14, ihl)));
            int payload = total - ihl;
            if (total < ihl || 14 + total > f.writerIndex() || (f.getUnsignedShort(20) & 0x3fff) != 0) {
                return;
            }
            int at = 14 + ihl;
            int proto = f.getUnsignedByte(23);
            int src = f.getInt(26);
            int dst = f.getInt(30);
            int field = switch (proto) {
                case 6 -> payload >= 20 ? 16 : -1;
                case 17 -> payload >= 8 ? 6 : -1;
                case 1 -> payload >= 8 ? 2 : -1;
                default -> -1;
            };
            if (field < 0) {
                return;
            }
            f.setShort(at + field, 0);
            long sum = proto == 1 ? 0 : Checksum.pseudoHeader4(src, dst, proto, payload);
            f.setShort(at + field, Checksum.finish(Checksum.add(sum, f, at, payload)));
        }
    }
}
