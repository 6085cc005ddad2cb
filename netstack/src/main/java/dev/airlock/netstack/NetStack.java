package dev.airlock.netstack;

import dev.airlock.netstack.ethernet.EthernetLayer;
import dev.airlock.netstack.flow.FlowAcceptor;
import dev.airlock.netstack.ipv4.IcmpLayer;
import dev.airlock.netstack.ipv4.Ipv4Layer;
import dev.airlock.netstack.ipv6.Ipv6Layer;
import dev.airlock.netstack.link.FrameReceiver;
import dev.airlock.netstack.link.LinkEndpoint;
import dev.airlock.netstack.packet.Ipv4Packet;
import dev.airlock.netstack.tcp.TcpLayer;
import dev.airlock.netstack.udp.UdpLayer;
import io.netty.buffer.ByteBuf;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import java.lang.System.Logger.Level;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * One userspace TCP/IP stack serving one guest link: Ethernet ▸ ARP ▸ IPv4 (+ reassembly) ▸
 * ICMP ▸ UDP ▸ TCP, with IPv6 refused explicitly. Every guest TCP connection becomes a flow
 * offered to the {@link FlowAcceptor}.
 *
 * <p>Threading: all stack state lives on one {@link EventLoop} (the stack thread) — the stack's
 * own, or one the caller passes in (e.g. a Netty event loop shared with the upstream channels).
 * Link threads hand frames over through a bounded backlog; acceptor completions and
 * {@link dev.airlock.netstack.flow.Flow} calls from other threads hop onto the loop.
 */
public final class NetStack implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(NetStack.class.getName());

    private final StackConfig config;
    private final NetstackCounters counters = new NetstackCounters();
    private final EventLoop loop;
    private final boolean ownsLoop;
    private final LinkEndpoint link;
    private final EthernetLayer ethernet;
    private final Ipv4Layer ipv4;
    private final Ipv6Layer ipv6;
    private final UdpLayer udp;
    private final TcpLayer tcp;
    private final AtomicInteger backlog = new AtomicInteger();
    private final ScheduledFuture<?> sweep;
    private volatile boolean closed;

    private NetStack(StackConfig config, LinkEndpoint link, FlowAcceptor acceptor, EventLoop loop, boolean ownsLoop) {
        this.config = config;
        this.loop = loop;
        this.ownsLoop = ownsLoop;
        this.link = link;
        StackContext ctx = new StackContext(config, counters, loop);
        this.ethernet = new EthernetLayer(config, counters, link);
        this.ipv4 = new Ipv4Layer(ctx, ethernet);
        this.ipv6 = new Ipv6Layer(ctx, ethernet);
        this.udp = new UdpLayer(ctx, ipv4);
        this.tcp = new TcpLayer(ctx, ipv4, acceptor, link.mtu(), link.completesTcpChecksums());
        ipv4.register(Ipv4Packet.PROTO_ICMP, new IcmpLayer(ctx, ipv4));
        ipv4.register(Ipv4Packet.PROTO_UDP, udp);
        ipv4.register(Ipv4Packet.PROTO_TCP, tcp);
        ethernet.attach(ipv4, ipv6);
        this.sweep = loop.scheduleAtFixedRate(() -> ipv4.reassembler().expire(ctx.nowMillis()), 1, 1, TimeUnit.SECONDS);
        link.start(new FrameReceiver() {
            @Override
            public void receiveFrame(ByteBuf frame) {
                receive(frame, false);
            }

            @Override
            public void receiveTrustedFrame(ByteBuf frame) {
                receive(frame, true);
            }

            @Override
            public boolean takesTrustedFrames() {
                return true;
            }
        });
    }

    /** Starts a stack on its own thread. */
    public static NetStack start(StackConfig config, LinkEndpoint link, FlowAcceptor acceptor) {
        EventLoop loop = new DefaultEventLoop(new DefaultThreadFactory("netstack", true));
        return new NetStack(config, link, acceptor, loop, true);
    }

    /** Starts a stack on a caller-owned event loop (not shut down by {@link #close()}). */
    public static NetStack start(StackConfig config, LinkEndpoint link, FlowAcceptor acceptor, EventLoop loop) {
        return new NetStack(config, link, acceptor, loop, false);
    }

    public StackConfig config() {
        return config;
    }

    public NetstackCounters counters() {
        return counters;
    }

    public EventLoop loop() {
        return loop;
    }

    /** UDP bindings on the gateway address (use on the stack thread, or via {@link #call}). */
    public UdpLayer udp() {
        return udp;
    }

    /** TCP on the gateway address: local services ({@link TcpLayer#bindLocal}); use on the stack thread, or via {@link #call}. */
    public TcpLayer tcp() {
        return tcp;
    }

    /** The gateway's IPv6 link-local address (answered for NDP and echo; everything else is refused). */
    public byte[] ipv6LinkLocal() {
        return ipv6.linkLocalAddress();
    }

    /** Runs {@code task} on the stack thread and waits for its result (tests, management). */
    public <T> T call(Supplier<T> task) {
        if (loop.inEventLoop()) {
            return task.get();
        }
        try {
            return loop.submit(task::get).get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for the stack thread", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("stack thread task failed", e);
        }
    }

    /** TCP connections in the table, all states included. */
    public int tcpConnections() {
        return call(tcp::connectionCount);
    }

    /** Datagrams under reassembly and the bytes they hold. */
    public int[] fragmentState() {
        return call(() -> new int[] {ipv4.reassembler().pending(), ipv4.reassembler().heldBytes()});
    }

    private void receive(ByteBuf frame, boolean checksumTrusted) {
        if (closed) {
            frame.release();
            return;
        }
        if (loop.inEventLoop()) {
            process(frame, checksumTrusted);
            return;
        }
        if (backlog.incrementAndGet() > config.maxInboundBacklog()) {
            backlog.decrementAndGet();
            counters.inc(Counter.LINK_RX_BACKLOG_FULL);
            frame.release();
            return;
        }
        try {
            loop.execute(() -> {
                backlog.decrementAndGet();
                process(frame, checksumTrusted);
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            backlog.decrementAndGet();
            frame.release();
        }
    }

    private void process(ByteBuf frame, boolean checksumTrusted) {
        counters.inc(Counter.LINK_RX_FRAMES);
        try {
            ethernet.receive(frame, checksumTrusted);
        } catch (RuntimeException e) {
            // A bug, not bad input: bad input is counted at its drop site. Keep the thread alive.
            counters.inc(Counter.STACK_INTERNAL_ERRORS);
            LOG.log(Level.ERROR, "netstack bug while processing a frame", e);
        } finally {
            frame.release();
        }
    }

    /** Resets every connection, closes the link and (if owned) stops the stack thread. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            call(() -> {
                sweep.cancel(false);
                tcp.shutdown();
                return null;
            });
        } finally {
            link.close();
            if (ownsLoop) {
                loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            }
        }
    }
}
