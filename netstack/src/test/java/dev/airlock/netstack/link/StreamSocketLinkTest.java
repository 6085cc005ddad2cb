package dev.airlock.netstack.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.netstack.Counter;
import dev.airlock.netstack.NetStack;
import dev.airlock.netstack.StackConfig;
import dev.airlock.netstack.flow.FlowVerdict;
import dev.airlock.netstack.packet.ArpPacket;
import dev.airlock.netstack.packet.EthernetFrame;
import dev.airlock.netstack.packet.Ip4;
import dev.airlock.netstack.packet.Parsed;
import dev.airlock.netstack.testing.Frames;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The QEMU/passt stream framing (4-byte big-endian length + frame) over a Unix socket. */
class StreamSocketLinkTest {
    @TempDir
    Path dir;

    @Test
    void exchangesLengthPrefixedFramesAndClosesOnABadLength() throws Exception {
        Path sock = dir.resolve("frames.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(sock));
            StreamSocketLink link = StreamSocketLink.connect(sock, 1500);
            NetStack stack = NetStack.start(StackConfig.defaults(), link,
                    id -> CompletableFuture.completedFuture(FlowVerdict.reset()));
            try (SocketChannel peer = server.accept()) {
                ByteBuf arp = Frames.arpRequest(Ip4.parse("198.18.0.2"), Ip4.parse("198.18.0.1"));
                ByteBuffer out = ByteBuffer.allocate(4 + arp.readableBytes()).putInt(arp.readableBytes());
                out.put(arp.nioBuffer()).flip();
                // split the write at an awkward boundary: framing must not depend on read sizes
                peer.write(out.slice(0, 3));
                Thread.sleep(20);
                peer.write(out.position(3));
                ByteBuffer len = ByteBuffer.allocate(4);
                while (len.hasRemaining()) peer.read(len);
                int n = len.getInt(0);
                assertEquals(42, n);
                ByteBuffer frame = ByteBuffer.allocate(n);
                while (frame.hasRemaining()) peer.read(frame);
                ByteBuf reply = Unpooled.wrappedBuffer(frame.flip());
                ArpPacket p = ((Parsed.Ok<ArpPacket>) ArpPacket.parse(reply, EthernetFrame.HEADER_LENGTH, 28)).view();
                assertEquals(ArpPacket.OP_REPLY, p.operation());
                assertEquals(Ip4.parse("198.18.0.1"), p.senderIp());

                peer.write(ByteBuffer.allocate(4).putInt(0, 1_000_000));
                assertEquals(-1, peer.read(ByteBuffer.allocate(1)), "the port closes on a desynchronized stream");
                assertEquals(1, link.counters().get(Counter.LINK_RX_TOO_LARGE));
            } finally {
                stack.close();
            }
        }
        assertTrue(Files.exists(sock));
    }
}
