package dev.airlock.netstack.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.airlock.netstack.Counter;
import dev.airlock.netstack.NetStack;
import dev.airlock.netstack.StackConfig;
import dev.airlock.netstack.channel.FlowChannel;
import dev.airlock.netstack.channel.FlowChannelHandler;
import dev.airlock.netstack.flow.FlowId;
import dev.airlock.netstack.flow.FlowVerdict;
import dev.airlock.netstack.tap.TapLink;
import dev.airlock.netstack.testing.GuestNamespace;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link FlowChannel} against the Linux kernel's TCP: Netty pipelines serve guest connections
 * on a Netty NIO event loop shared with the stack (as the gateway runs them) — echo with
 * backpressure, 200 concurrent connections, a stalled reader shrinking the guest's window,
 * half-close as Netty's input-shutdown event, and RSTs both ways.
 */
class FlowChannelKernelTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REMOTE = "203.0.113.20";

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private GuestNamespace ns;
    private NetStack stack;
    private final CompletableFuture<FlowChannel> stalled = new CompletableFuture<>();
    private final CompletableFuture<Throwable> guestReset = new CompletableFuture<>();
    private final AtomicLong stalledBytes = new AtomicLong();
    private final MessageDigest stalledDigest = sha256();

    @BeforeAll
    static void requireKernelPeer() {
        String why = GuestNamespace.unavailableReason();
        Assumptions.assumeTrue(why == null, why);
    }

    private void start() throws Exception {
        ns = new GuestNamespace();
        stack = NetStack.start(StackConfig.defaults(), new TapLink(ns.tap, 1500), this::decide, group.next());
    }

    private CompletionStage<FlowVerdict> decide(FlowId id) {
        Consumer<FlowChannel> pipeline = switch (id.destination().getPort()) {
            case 7 -> ch -> {
                // Half-closure on: the guest's FIN must not close the channel while echoed bytes are
                // still parked in Netty's outbound buffer (a plain close fails them, as on NIO).
                ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
                ch.pipeline().addLast(new Echo());
            };
            case 8 -> ch -> {
                ch.config().setAutoRead(false);
                ch.pipeline().addLast(new Collector());
                stalled.complete(ch);
            };
            case 11 -> ch -> {
                ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
                ch.pipeline().addLast(new CountThenReply());
            };
            case 12 -> ch -> ch.pipeline().addLast(new AbortOnRead());
            case 13 -> ch -> ch.pipeline().addLast(new RecordReset());
            default -> null;
        };
        if (pipeline == null) {
            return CompletableFuture.completedFuture(FlowVerdict.reset());
        }
        return CompletableFuture.completedFuture(FlowVerdict.accept(new FlowChannelHandler(pipeline, () -> { })));
    }

    @AfterEach
    void tearDown() {
        if (stack != null) stack.close();
        if (ns != null) ns.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private static JsonNode json(GuestNamespace.Result r) throws Exception {
        assertEquals(0, r.exit(), () -> "client failed: " + r.err() + r.out());
        return JSON.readTree(r.out());
    }

    @Test
    void echoesThroughANettyPipelineWithChecksums() throws Exception {
        start();
        int size = 32 << 20;
        JsonNode r = json(ns.python(120, "echo", REMOTE, "7", Integer.toString(size), "1", "3")).get(0);
        assertTrue(r.get("error").isNull(), r.toString());
        assertEquals(size, r.get("bytes").asLong());
        assertEquals(r.get("sent").asText(), r.get("received").asText());
        assertEquals(0, stack.counters().get(Counter.FLOW_HANDLER_ERRORS));
        System.out.printf("32 MiB echo through FlowChannel: %.2f s%n", r.get("seconds").asDouble());
    }

    @Test
    void twoHundredConcurrentConnections() throws Exception {
        start();
        int count = 200;
        JsonNode all = json(ns.python(120, "echo", REMOTE, "7", Integer.toString(64 * 1024), Integer.toString(count), "50"));
        assertEquals(count, all.size());
        for (JsonNode r : all) {
            assertTrue(r.get("error").isNull(), r.toString());
            assertEquals(r.get("sent").asText(), r.get("received").asText());
        }
        assertEquals(count, stack.counters().get(Counter.TCP_ESTABLISHED));
    }

    @Test
    void aReaderThatStopsShrinksTheGuestsWindow() throws Exception {
        start();
        int size = 16 << 20;
        Process p = ns.spawnPython("stall", REMOTE, "8", Integer.toString(size), "9");
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            JsonNode first = JSON.readTree(out.readLine());
            long stalledAt = first.get("stalled_at").asLong();
            FlowChannel ch = stalled.get(5, TimeUnit.SECONDS);
            assertEquals(0, stalledBytes.get(), "nothing was read while Netty auto-read was off");
            // The guest stops once the stack's 256 KiB window and its own send buffer are full.
            assertTrue(stalledAt < size && stalledAt <= 256 * 1024 + first.get("sndbuf").asLong() + 65536,
                    () -> "guest kept sending: " + first);
            ch.config().setAutoRead(true);
            p.getOutputStream().write('\n');
            p.getOutputStream().flush();
            JsonNode done = JSON.readTree(out.readLine());
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(size, stalledBytes.get());
            assertEquals(done.get("sha256").asText(), HexFormat.of().formatHex(stalledDigest.digest()));
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void guestHalfCloseIsAnInputShutdownEvent() throws Exception {
        start();
        JsonNode r = json(ns.python(30, "half-close", REMOTE, "11", "300000"));
        assertEquals("got 300000 bytes", r.get("reply").asText());
    }

    @Test
    void resetsBothWays() throws Exception {
        start();
        JsonNode byStack = json(ns.python(30, "reset-by-stack", REMOTE, "12"));
        assertTrue(byStack.get("reset").asBoolean(), byStack.toString());
        assertEquals("ECONNRESET", byStack.get("errno").asText());
        json(ns.python(30, "reset-by-guest", REMOTE, "13"));
        assertTrue(guestReset.get(5, TimeUnit.SECONDS).getMessage().contains("reset_by_peer"));
    }

    /** Echo with Netty backpressure: stop reading while the guest direction is full. */
    private static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg);
            if (!ctx.channel().isWritable()) ctx.channel().config().setAutoRead(false);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (ctx.channel().isWritable()) ctx.channel().config().setAutoRead(true);
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt == ChannelInputShutdownEvent.INSTANCE) {
                // after every echoed byte has been handed to the flow: FIN
                ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> ((FlowChannel) ctx.channel()).shutdownOutput());
            }
        }
    }

    private final class Collector extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            stalledBytes.addAndGet(b.readableBytes());
            stalledDigest.update(b.nioBuffer());
            b.release();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            ctx.fireChannelInactive();
        }
    }

    private static final class CountThenReply extends ChannelInboundHandlerAdapter {
        private long n;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            n += ((ByteBuf) msg).readableBytes();
            ((ByteBuf) msg).release();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt == ChannelInputShutdownEvent.INSTANCE) {
                ctx.writeAndFlush(Unpooled.copiedBuffer("got " + n + " bytes", StandardCharsets.US_ASCII));
                ((FlowChannel) ctx.channel()).shutdownOutput();
            }
        }
    }

    private static final class AbortOnRead extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ((ByteBuf) msg).release();
            ((FlowChannel) ctx.channel()).abort();
        }
    }

    private final class RecordReset extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ((ByteBuf) msg).release();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            guestReset.complete(cause);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
