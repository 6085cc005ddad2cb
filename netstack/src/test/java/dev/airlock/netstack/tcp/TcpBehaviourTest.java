package dev.airlock.netstack.tcp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.netstack.Counter;
import dev.airlock.netstack.StackConfig;
import dev.airlock.netstack.flow.CloseReason;
import dev.airlock.netstack.flow.Flow;
import dev.airlock.netstack.flow.FlowAcceptor;
import dev.airlock.netstack.flow.FlowHandler;
import dev.airlock.netstack.flow.FlowVerdict;
import dev.airlock.netstack.testing.Captured;
import dev.airlock.netstack.testing.Frames;
import dev.airlock.netstack.testing.StackHarness;
import dev.airlock.netstack.testing.TestGuest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** TCP behaviour by RFC section, driven by hand-built guest segments over an in-memory link. */
class TcpBehaviourTest {
    private StackHarness h;
    private final LinkedBlockingQueue<String> events = new LinkedBlockingQueue<>();
    private final CompletableFuture<Flow> opened = new CompletableFuture<>();

    /** Records every event; writes "reply:<text>" when asked to by data "say:<text>". */
    private final class Recorder implements FlowHandler {
        @Override
        public void onOpen(Flow flow) {
            events.add("open");
            opened.complete(flow);
        }

        @Override
        public void onData(Flow flow, ByteBuf data) {
            String s = data.toString(StandardCharsets.ISO_8859_1);
            data.release();
            events.add("data:" + s);
            if (s.startsWith("say:")) {
                flow.write(Unpooled.copiedBuffer(s.substring(4), StandardCharsets.ISO_8859_1));
            }
        }

        @Override
        public void onInputShutdown(Flow flow) {
            events.add("input-shutdown");
        }

        @Override
        public void onClosed(Flow flow, CloseReason reason) {
            events.add("closed:" + reason);
        }
    }

    private StackHarness start(TcpConfig tcp, FlowAcceptor acceptor) {
        h = new StackHarness(StackConfig.defaults().withTcp(tcp), acceptor);
        return h;
    }

    private StackHarness startAccepting(TcpConfig tcp) {
        return start(tcp, id -> CompletableFuture.completedFuture(FlowVerdict.accept(new Recorder())));
    }

    @AfterEach
    void close() {
        if (h != null) h.close();
    }

    /** Completes a handshake and returns the guest. */
    private TestGuest connect(int port) throws Exception {
        TestGuest g = new TestGuest(port, 80, 1000);
        h.send(g.syn());
        Captured synAck = h.next();
        assertTrue(synAck.isTcp(TcpSegment.SYN | TcpSegment.ACK), "SYN-ACK expected");
        h.send(g.ackSynAck(synAck));
        assertEquals("open", events.poll(2, TimeUnit.SECONDS));
        return g;
    }

    @Test
    void invariant2NoSynAckBeforeTheAcceptorSaysYes() throws Exception {
        CompletableFuture<FlowVerdict> decision = new CompletableFuture<>();
        start(TcpConfig.DEFAULT, id -> decision);
        TestGuest g = new TestGuest(40000, 80, 5);
        h.send(g.syn());
        h.send(g.syn()); // the guest retransmits while policy thinks
        assertNull(h.nextWithin(300), "nothing may reach the guest before the decision");
        assertEquals(1, h.count(Counter.TCP_SYN_WHILE_PENDING));
        decision.complete(FlowVerdict.accept(new Recorder()));
        Captured synAck = h.next();
        assertTrue(synAck.isTcp(TcpSegment.SYN | TcpSegment.ACK));
        assertEquals(6, synAck.tcp().ack());
        assertEquals(StackHarness.REMOTE, synAck.ip().source(), "the stack answers as the dialed destination");
    }

    @Test
    void deniedDecisionsFailClosedWithReset() throws Exception {
        start(TcpConfig.DEFAULT.withLimits(16, 4, 200), id -> switch (id.source().getPort()) {
            case 1 -> CompletableFuture.failedFuture(new IllegalStateException("policy engine down"));
            case 2 -> new CompletableFuture<>(); // never answers: the decision timeout must refuse
            case 3 -> throw new IllegalStateException("acceptor bug");
            default -> CompletableFuture.completedFuture(null);
        });
        for (int port = 1; port <= 4; port++) {
            TestGuest g = new TestGuest(port, 80, 100);
            h.send(g.syn());
            Captured rst = h.next();
            assertTrue(rst.isTcp(TcpSegment.RST | TcpSegment.ACK), "port " + port);
            assertEquals(101, rst.tcp().ack());
        }
        assertEquals(4, h.count(Counter.TCP_DECISION_FAILED));
        assertEquals(0, h.stack.tcpConnections());
    }

    @Test
    void rfc9293DataIsDeliveredAndAnswered() throws Exception {
        startAccepting(TcpConfig.DEFAULT);
        TestGuest g = connect(40001);
        h.send(g.data("say:pong"));
        assertEquals("data:say:pong", events.poll(2, TimeUnit.SECONDS));
        Captured reply = h.next();
        assertEquals("pong", reply.payloadString());
        assertEquals(g.seq, reply.tcp().ack(), "the reply acknowledges the request");
        h.send(g.fin());
        assertEquals("input-shutdown", events.poll(2, TimeUnit.SECONDS));
    }

    @Test
    void rfc9293SegmentsForNoConnectionGetReset() throws Exception {
        startAccepting(TcpConfig.DEFAULT);
        TestGuest g = new TestGuest(40002, 80, 500);
        h.send(g.segment(500, 12345, TcpSegment.ACK, new byte[0]));
        Captured rst = h.next();
        assertTrue(rst.isTcp(TcpSegment.RST));
        assertEquals(12345, rst.tcp().seq());
        assertEquals(1, h.count(Counter.TCP_NO_CONNECTION));
    }

    @Test
    void rfc5961ResetsMustMatchExactlyElseChallengeAck() throws Exception {
        startAccepting(TcpConfig.DEFAULT);
        TestGuest g = connect(40003);
        h.send(g.segment(g.seq + 100, 0, TcpSegment.RST, new byte[0]));       // in window, not RCV.NXT
        Captured challenge = h.next();
        assertTrue(challenge.isTcp(TcpSegment.ACK));
        assertEquals(g.seq, challenge.tcp().ack());
        h.send(g.segment(g.seq + 100_000_000, 0, TcpSegment.RST, new byte[0])); // out of window: silently dropped
        h.send(g.segment(g.seq, 0, TcpSegment.SYN, new byte[0]));               // SYN on a live connection
        assertTrue(h.next().isTcp(TcpSegment.ACK));
        assertEquals(2, h.count(Counter.TCP_CHALLENGE_ACKS));
        assertEquals(1, h.stack.tcpConnections());
        h.send(g.segment(g.seq, 0, TcpSegment.RST, new byte[0]));
        assertEquals("closed:RESET_BY_PEER", events.poll(2, TimeUnit.SECONDS));
        assertEquals(0, h.stack.tcpConnections());
    }

    @Test
    void backpressureClosesTheWindowAndReopensIt() throws Exception {
        startAccepting(TcpConfig.DEFAULT.withBuffers(4096, 65536));
        TestGuest g = connect(40004);
        Flow flow = opened.get();
        flow.setAutoRead(false);
        h.sync();
        String chunk = "x".repeat(1024);
        int lastWindow = -1;
        for (int i = 0; i < 4; i++) {
            h.send(g.data(chunk));
            Captured ack = h.nextWithin(300); // delayed ACKs may merge two
            if (ack != null) lastWindow = ack.tcp().window();
        }
        h.sync();
        Captured forced = h.nextWithin(200);
        if (forced != null) lastWindow = forced.tcp().window();
        assertEquals(0, lastWindow, "a full receive buffer advertises a zero window");
        assertTrue(events.isEmpty(), "nothing is delivered while auto-read is off");
        flow.setAutoRead(true);
        Captured update = h.next();
        assertTrue(update.tcp().window() > 0, "reading reopens the window with an update");
        for (int i = 0; i < 4; i++) {
            assertEquals("data:" + chunk, events.poll(2, TimeUnit.SECONDS));
        }
    }

    @Test
    void rfc9293ZeroWindowIsProbed() throws Exception {
        startAccepting(TcpConfig.DEFAULT.withRetransmits(200, 12));
        TestGuest g = connect(40005);
        g.window = 0;
        h.send(g.ackTo(g.ack)); // guest closes its window
        opened.get().write(Unpooled.copiedBuffer("blocked", StandardCharsets.US_ASCII));
        Captured probe = h.next();
        assertEquals(0, probe.tcp().payloadLength());
        assertEquals(g.ack - 1, probe.tcp().seq(), "probe with an old sequence number elicits the window");
        assertEquals(1, h.count(Counter.TCP_ZERO_WINDOW_PROBES));
        g.window = 65535;
        h.send(g.ackTo(g.ack));
        assertEquals("blocked", h.next().payloadString());
    }

    @Test
    void rfc6298RetransmitsUnacknowledgedData() throws Exception {
        startAccepting(TcpConfig.DEFAULT.withRetransmits(200, 2));
        TestGuest g = connect(40006);
        opened.get().write(Unpooled.copiedBuffer("lost", StandardCharsets.US_ASCII));
        Captured first = h.next();
        Captured again = h.next();
        assertEquals(first.tcp().seq(), again.tcp().seq());
        assertEquals("lost", again.payloadString());
        assertTrue(h.count(Counter.TCP_RTO_EXPIRED) >= 1);
        // never acknowledged: after maxRetransmits the connection is aborted with an RST
        Captured last;
        do {
            last = h.next();
        } while (!last.isTcp(TcpSegment.RST | TcpSegment.ACK));
        assertEquals("closed:TIMED_OUT", events.poll(5, TimeUnit.SECONDS));
        assertNotNull(g);
    }

    /**
     * Regression (KernelPeerTest's lossy echo stalling for minutes): a segment cut short by a
     * small window is retransmitted after a timeout as a full one, carrying bytes never sent
     * before. The guest's ACK of those bytes acknowledges something that was sent (RFC 9293
     * 3.10.7.4: up to SND.NXT); refusing it as "too new" left SND.UNA stuck while every further
     * timeout doubled the next, up to a minute.
     */
    @Test
    void rfc9293AnAckOfBytesFirstSentInARetransmissionIsAccepted() throws Exception {
        startAccepting(TcpConfig.DEFAULT.withRetransmits(200, 12));
        TestGuest g = connect(40012);
        g.window = 300; // less than the MSS (536 without options)
        h.send(g.ackTo(g.ack));
        h.sync();
        String text = "0123456789".repeat(100);
        opened.get().write(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
        Captured first = h.next();
        assertEquals(text.substring(0, 300), first.payloadString(), "the window allows 300 bytes");
        Captured again = h.next(); // not acknowledged: the timeout resends from SND.UNA, a full segment now
        assertEquals(first.tcp().seq(), again.tcp().seq());
        assertEquals(text.substring(0, 536), again.payloadString());
        g.window = 65535;
        h.send(g.ackTo(again.tcp().seq() + 536));
        Captured rest = h.next();
        assertEquals(again.tcp().seq() + 536, rest.tcp().seq(), "the ACK moved SND.UNA past the retransmission");
        assertEquals(text.substring(536), rest.payloadString());
        assertEquals(0, h.count(Counter.TCP_ACK_TOO_NEW));
    }

    /**
     * Timeouts while the guest's window is closed are probes it drops as out of window, not
     * losses: when its window update arrives, the data goes out at once instead of after the
     * backed-off timeout (which grows to a minute while a slow guest keeps its window shut).
     */
    @Test
    void rfc9293AWindowThatReopensAfterTimeoutsIsUsedAtOnce() throws Exception {
        startAccepting(TcpConfig.DEFAULT.withRetransmits(200, 12));
        TestGuest g = connect(40013);
        opened.get().write(Unpooled.copiedBuffer("x".repeat(100), StandardCharsets.US_ASCII));
        Captured sent = h.next();
        g.window = 0;
        h.send(g.ackTo(g.ack)); // acknowledges nothing and closes the window
        for (int i = 0; i < 3; i++) {
            assertEquals(sent.tcp().seq(), h.next().tcp().seq(), "timeout " + (i + 1) + " resends"); // 0.2, 0.4, 0.8 s
        }
        g.window = 65535;
        long t0 = System.nanoTime();
        h.send(g.ackTo(g.ack));
        Captured resent = h.nextWithin(500); // the next timeout would be 1.6 s away
        assertNotNull(resent, "the reopened window is used without waiting for the timeout");
        assertTrue(System.nanoTime() - t0 < 500_000_000L);
        assertEquals(sent.tcp().seq(), resent.tcp().seq());
        assertEquals(100, resent.tcp().payloadLength());
        h.send(g.ackTo(resent.tcp().seq() + 100));
        assertNull(h.nextWithin(300), "everything acknowledged: nothing more to send");
    }

    @Test
    void keepaliveProbesThenAborts() throws Exception {
        startAccepting(TcpConfig.DEFAULT.withKeepAlive(200, 100, 2));
        connect(40007);
        Captured p1 = h.next();
        Captured p2 = h.next();
        assertEquals(0, p1.tcp().payloadLength());
        assertEquals(p1.tcp().seq(), p2.tcp().seq());
        assertTrue(h.next().isTcp(TcpSegment.RST | TcpSegment.ACK));
        assertEquals("closed:TIMED_OUT", events.poll(2, TimeUnit.SECONDS));
        assertEquals(2, h.count(Counter.TCP_KEEPALIVE_PROBES));
    }

    @Test
    void synBacklogIsBounded() throws Exception {
        start(TcpConfig.DEFAULT.withLimits(100, 2, 10_000), id -> new CompletableFuture<>());
        for (int port = 1; port <= 3; port++) {
            h.send(new TestGuest(port, 80, 1).syn());
        }
        assertEquals(1, h.count(Counter.TCP_SYN_BACKLOG_FULL));
        assertEquals(2, h.stack.tcpConnections());
    }

    @Test
    void malformedSegmentsAreCounted() throws Exception {
        startAccepting(TcpConfig.DEFAULT);
        TestGuest g = new TestGuest(40008, 80, 1);
        ByteBuf bad = g.syn();
        bad.setByte(bad.writerIndex() - 1, bad.getByte(bad.writerIndex() - 1) ^ 0x40); // corrupt the checksum
        h.send(bad);
        g.options = new byte[] {2, 9, 1, 1}; // MSS option claiming 9 bytes
        h.send(g.syn());
        g.options = new byte[] {8, 10};      // timestamps option running past the header
        h.send(g.syn());
        assertEquals(1, h.count(Counter.TCP_BAD_CHECKSUM));
        assertEquals(2, h.count(Counter.TCP_BAD_OPTIONS));
        assertNull(h.nextWithin(100));
    }

    @Test
    void activeCloseGoesThroughTimeWait() throws Exception {
        startAccepting(TcpConfig.DEFAULT.withTimeWaitMillis(300));
        TestGuest g = connect(40009);
        opened.get().close();
        Captured fin = h.next();
        assertTrue(fin.isTcp(TcpSegment.FIN | TcpSegment.ACK));
        h.send(g.ackTo(fin.tcp().seq() + 1));
        h.send(g.fin());
        Captured lastAck = h.next();
        assertEquals(g.seq, lastAck.tcp().ack());
        assertEquals("closed:NORMAL", events.poll(2, TimeUnit.SECONDS));
        assertEquals(1, h.stack.tcpConnections(), "TIME_WAIT keeps the entry");
        Thread.sleep(500);
        assertEquals(0, h.stack.tcpConnections());
    }

    @Test
    void rfc7323NegotiatesOptionsLikeLinux() throws Exception {
        startAccepting(TcpConfig.DEFAULT);
        TestGuest g = new TestGuest(40010, 80, 9);
        g.options = Frames.linuxSynOptions(777);
        h.send(g.syn());
        Captured synAck = h.next();
        TcpSegment s = synAck.tcp();
        assertEquals(1460, s.mss());
        assertTrue(s.sackPermitted());
        assertTrue(s.hasTimestamps());
        assertEquals(777, s.tsEcr());
        assertTrue(s.windowScale() >= 0);
        assertFalse(s.has(TcpSegment.RST));
    }

    @Test
    void orphanedFinWait2TimesOut() throws Exception {
        startAccepting(TcpConfig.DEFAULT.withTimeWaitMillis(300));
        TestGuest g = connect(40011);
        opened.get().close();
        Captured fin = h.next();
        h.send(g.ackTo(fin.tcp().seq() + 1)); // the guest acknowledges our FIN but never sends its own
        h.sync();
        assertEquals(1, h.stack.tcpConnections());
        Thread.sleep(600);
        assertEquals(0, h.stack.tcpConnections(), "FIN_WAIT_2 after close() is bounded in time");
    }
}
