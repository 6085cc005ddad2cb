package dev.airlock.netstack.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.netstack.Counter;
import dev.airlock.netstack.NetStack;
import dev.airlock.netstack.StackConfig;
import dev.airlock.netstack.flow.CloseReason;
import dev.airlock.netstack.flow.Flow;
import dev.airlock.netstack.flow.FlowHandler;
import dev.airlock.netstack.flow.FlowId;
import dev.airlock.netstack.flow.FlowVerdict;
import dev.airlock.netstack.link.LinkEndpoint;
import dev.airlock.netstack.link.LossyLink;
import dev.airlock.netstack.tap.TapLink;
import dev.airlock.netstack.testing.GuestNamespace;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The stack against the Linux kernel's own TCP/IP: the guest is a network namespace behind a
 * TAP device, and the clients are ping and python3 running in it.
 */
class KernelPeerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REMOTE = "203.0.113.10"; // TEST-NET-3: a destination the stack impersonates

    private GuestNamespace ns;
    private NetStack stack;
    private LinkEndpoint link;
    private final Queue<EchoHandler> echoes = new ConcurrentLinkedQueue<>();
    private final Queue<FlowId> decisions = new ConcurrentLinkedQueue<>();
    private final CompletableFuture<CloseReason> observedClose = new CompletableFuture<>();

    @BeforeAll
    static void requireKernelPeer() {
        String why = GuestNamespace.unavailableReason();
        Assumptions.assumeTrue(why == null, why);
    }

    private void startStack(boolean lossy) throws Exception {
        startStack(lossy ? 42 : -1);
    }

    /** A stack on the guest's TAP, behind a {@link LossyLink} with 5% drop, duplication and reordering each way unless {@code lossSeed} is negative. */
    private void startStack(long lossSeed) throws Exception {
        ns = new GuestNamespace();
        TapLink tap = new TapLink(ns.tap, 1500);
        link = lossSeed >= 0 ? new LossyLink(tap, lossSeed, 0.05, 0.05, 0.05) : tap;
        stack = NetStack.start(StackConfig.defaults(), link, this::decide);
    }

    /** The test acceptor: the destination port selects the behaviour. */
    private CompletionStage<FlowVerdict> decide(FlowId id) {
        decisions.add(id);
        FlowVerdict v = switch (id.destination().getPort()) {
            case 7 -> {
                EchoHandler h = new EchoHandler();
                echoes.add(h);
                yield FlowVerdict.accept(h);
            }
            case 10 -> FlowVerdict.prohibit();
            case 11 -> FlowVerdict.accept(new CountingReplier());
            case 12 -> FlowVerdict.accept(new AbortOnData());
            case 13 -> FlowVerdict.accept(new ObservingHandler(observedClose));
            default -> FlowVerdict.reset();
        };
        // decide asynchronously, as the gateway will (policy + upstream dial happen elsewhere)
        return CompletableFuture.supplyAsync(() -> v, CompletableFuture.delayedExecutor(5, TimeUnit.MILLISECONDS));
    }

    @AfterEach
    void tearDown() {
        if (stack != null) {
            stack.close();
        }
        if (ns != null) {
            ns.close();
        }
    }

    private static JsonNode json(GuestNamespace.Result r) throws Exception {
        assertEquals(0, r.exit(), () -> "client failed: " + r.err() + r.out());
        return JSON.readTree(r.out());
    }

    @Test
    void pingsTheGatewayAndIsRefusedElsewhere() throws Exception {
        startStack(false);
        GuestNamespace.Result ok = ns.exec(20, "ping", "-c", "3", "-i", "0.2", "-W", "2", GuestNamespace.GATEWAY);
        assertEquals(0, ok.exit(), ok.out() + ok.err());
        assertTrue(stack.counters().get(Counter.ICMP_ECHO_REPLIES) >= 3);
        assertTrue(stack.counters().get(Counter.ARP_REPLIES) >= 1);
        GuestNamespace.Result refused = ns.exec(20, "ping", "-c", "1", "-W", "2", REMOTE);
        assertTrue(refused.exit() != 0, refused.out());
        assertTrue(refused.out().contains("Packet filtered"), refused.out()); // iputils wording for code 13
        assertEquals(1, stack.counters().get(Counter.ICMP_ECHO_REFUSED));
    }

    @Test
    void echoes64MiBWithMatchingChecksumsBothWays() throws Exception {
        startStack(false);
        int size = 64 << 20;
        JsonNode r = json(ns.python(180, "echo", REMOTE, "7", Integer.toString(size), "1", "1")).get(0);
        assertTrue(r.get("error").isNull(), r.toString());
        assertEquals(size, r.get("bytes").asLong(), r.toString());
        assertEquals(r.get("sent").asText(), r.get("received").asText(), "guest got back exactly what it sent");
        EchoHandler h = echoes.poll();
        assertEquals(r.get("sent").asText(), h.inputDone.get(5, TimeUnit.SECONDS), "stack received exactly what the guest sent");
        assertEquals(CloseReason.NORMAL, h.closed.get(35, TimeUnit.SECONDS));
        assertEquals(FlowId.class, decisions.peek().getClass());
        assertEquals(REMOTE, decisions.peek().destination().getAddress().getHostAddress());
        long trusted = ((TapLink) link).counters().get(Counter.LINK_RX_CHECKSUM_TRUSTED);
        assertTrue(trusted > 1000, "the guest's kernel left its TCP checksums to the TAP (TUN_F_CSUM): " + trusted);
        System.out.printf("64 MiB echo: %.2f s, counters %s, link %s%n", r.get("seconds").asDouble(), stack.counters(),
                ((TapLink) link).counters());
    }

    @Test
    void deniedDestinationsFailFast() throws Exception {
        startStack(false);
        JsonNode reset = json(ns.python(20, "connect", REMOTE, "9"));
        assertFalse(reset.get("connected").asBoolean());
        assertEquals("ECONNREFUSED", reset.get("errno").asText(), reset.toString());
        assertTrue(reset.get("seconds").asDouble() < 1.0, reset.toString());
        JsonNode prohibited = json(ns.python(20, "connect", REMOTE, "10"));
        assertFalse(prohibited.get("connected").asBoolean());
        assertEquals("EHOSTUNREACH", prohibited.get("errno").asText(), prohibited.toString());
        assertTrue(prohibited.get("seconds").asDouble() < 1.0, prohibited.toString());
        assertEquals(1, stack.counters().get(Counter.TCP_DENIED_RESET));
        assertEquals(1, stack.counters().get(Counter.TCP_DENIED_PROHIBITED));
        assertEquals(0, stack.counters().get(Counter.TCP_ACCEPTED), "a denied flow never gets a SYN-ACK");
    }

    @Test
    void manyConcurrentConnections() throws Exception {
        startStack(false);
        int count = 128;
        JsonNode all = json(ns.python(120, "echo", REMOTE, "7", Integer.toString(256 * 1024), Integer.toString(count), "100"));
        assertEquals(count, all.size());
        for (JsonNode r : all) {
            assertTrue(r.get("error").isNull(), r.toString());
            assertEquals(256 * 1024, r.get("bytes").asLong());
            assertEquals(r.get("sent").asText(), r.get("received").asText());
        }
        assertEquals(count, stack.counters().get(Counter.TCP_ESTABLISHED));
    }

    @Test
    void survivesLossDuplicationAndReordering() throws Exception {
        startStack(true);
        int size = 8 << 20;
        JsonNode all = json(ns.python(240, "echo", REMOTE, "7", Integer.toString(size), "4", "7"));
        for (JsonNode r : all) {
            assertTrue(r.get("error").isNull(), r.toString());
            assertEquals(size, r.get("bytes").asLong(), r.toString());
            assertEquals(r.get("sent").asText(), r.get("received").asText());
        }
        LossyLink lossy = (LossyLink) link;
        assertTrue(lossy.dropped() > 100 && lossy.duplicated() > 100 && lossy.reordered() > 100,
                () -> "impairments applied: " + lossy.dropped() + "/" + lossy.duplicated() + "/" + lossy.reordered());
        assertTrue(stack.counters().get(Counter.TCP_RETRANSMITS) > 0);
        assertTrue(stack.counters().get(Counter.TCP_OOO_QUEUED) > 0);
        System.out.printf("lossy 4 x 8 MiB echo: %s%n", stack.counters());
    }

    /**
     * Regression: loss while the guest keeps stopping its reads (as a guest starved of CPU does),
     * so windows close and reopen in both directions and segments are cut short by them. With
     * this seed the echo used to stall for minutes (see TcpBehaviourTest's
     * rfc9293AnAckOfBytesFirstSentInARetransmissionIsAccepted for the mechanism): 130 s instead
     * of ~16. The seed fixes the loss pattern; thread timing still varies from run to run.
     */
    @Test
    void survivesLossWhileTheGuestKeepsStoppingItsReads() throws Exception {
        startStack(303);
        int size = 2 << 20;
        long t0 = System.nanoTime();
        // each of 4 connections: the reader sleeps 3 s after every 512 KiB (12 s of pauses)
        JsonNode all = json(ns.python(240, "echo", REMOTE, "7", Integer.toString(size), "4", "7", "524288", "3"));
        double seconds = (System.nanoTime() - t0) / 1e9;
        for (JsonNode r : all) {
            assertTrue(r.get("error").isNull(), r.toString());
            assertEquals(size, r.get("bytes").asLong(), r.toString());
            assertEquals(r.get("sent").asText(), r.get("received").asText());
        }
        assertTrue(seconds < 60, () -> String.format("took %.1f s: a stall, not the 12 s of pauses; %s", seconds, stack.counters()));
        System.out.printf("lossy echo with a pausing reader: %.1f s, %s%n", seconds, stack.counters());
    }

    @Test
    void halfCloseBothWays() throws Exception {
        startStack(false);
        JsonNode r = json(ns.python(30, "half-close", REMOTE, "11", "100000"));
        assertEquals("got 100000 bytes", r.get("reply").asText());
    }

    @Test
    void resetsInBothDirections() throws Exception {
        startStack(false);
        json(ns.python(30, "reset-by-guest", REMOTE, "13"));
        assertEquals(CloseReason.RESET_BY_PEER, observedClose.get(5, TimeUnit.SECONDS));
        JsonNode r = json(ns.python(30, "reset-by-stack", REMOTE, "12"));
        assertTrue(r.get("reset").asBoolean(), r.toString());
        assertEquals("ECONNRESET", r.get("errno").asText());
        assertTrue(stack.counters().get(Counter.TCP_RESETS_RECEIVED) >= 1);
    }

    @Test
    void udpWithoutListenerGetsPortUnreachable() throws Exception {
        startStack(false);
        JsonNode closed = json(ns.python(20, "udp", GuestNamespace.GATEWAY, "9999"));
        assertFalse(closed.get("answered").asBoolean());
        assertEquals("ECONNREFUSED", closed.get("errno").asText(), closed.toString());
        JsonNode elsewhere = json(ns.python(20, "udp", REMOTE, "53"));
        assertEquals("EHOSTUNREACH", elsewhere.get("errno").asText(), elsewhere.toString());
        assertEquals(1, stack.counters().get(Counter.UDP_PORT_UNREACHABLE));
        assertEquals(1, stack.counters().get(Counter.UDP_PROHIBITED));
    }

    @Test
    void ipv6IsRefusedNotSilentlyDropped() throws Exception {
        startStack(false);
        JsonNode global = json(ns.python(20, "connect", "2001:db8::1", "443"));
        assertFalse(global.get("connected").asBoolean());
        assertEquals("ENETUNREACH", global.get("errno").asText(), "no IPv6 route is ever advertised");
        String linkLocal = "fe80::a1:cff:fe00:1%" + ns.tap.name();
        JsonNode local = json(ns.python(20, "connect", linkLocal, "443"));
        assertFalse(local.get("connected").asBoolean());
        assertEquals("EACCES", local.get("errno").asText(), local.toString());
        assertTrue(local.get("seconds").asDouble() < 2.0, local.toString());
        assertTrue(stack.counters().get(Counter.IP6_NDP_ANSWERED) >= 1);
        assertTrue(stack.counters().get(Counter.IP6_REFUSED) >= 1);
    }

    /** Replies "got N bytes" once the guest half-closes, then half-closes itself. */
    private static final class CountingReplier implements FlowHandler {
        private long n;

        @Override
        public void onData(Flow flow, ByteBuf data) {
            n += data.readableBytes();
            data.release();
        }

        @Override
        public void onInputShutdown(Flow flow) {
            flow.write(Unpooled.copiedBuffer("got " + n + " bytes", StandardCharsets.US_ASCII));
            flow.shutdownOutput();
        }
    }

    /** Aborts the flow with an RST as soon as data arrives. */
    private static final class AbortOnData implements FlowHandler {
        @Override
        public void onData(Flow flow, ByteBuf data) {
            data.release();
            flow.abort();
        }
    }

    /** Records how the flow ended. */
    private record ObservingHandler(CompletableFuture<CloseReason> closed) implements FlowHandler {
        @Override
        public void onData(Flow flow, ByteBuf data) {
            data.release();
        }

        @Override
        public void onClosed(Flow flow, CloseReason reason) {
            closed.complete(reason);
        }
    }

}
