package dev.airlock.netstack.channel;

import dev.airlock.netstack.flow.CloseReason;
import dev.airlock.netstack.flow.Flow;
import io.netty.buffer.ByteBuf;
import io.netty.channel.AbstractChannel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * A guest TCP connection of the netstack as a Netty {@link io.netty.channel.Channel}, so the
 * gateway's handlers (sniffer, TLS, HTTP codecs, relay) serve sandbox traffic exactly as they
 * serve proxy clients. The channel lives on the stack's event loop; the flow's callbacks and
 * the pipeline therefore share one thread.
 *
 * <p>Mapping (one to one, see {@code docs/netstack.md}):
 * <ul>
 *   <li>reads: {@code doBeginRead} turns the flow's auto-read on; each delivered buffer is one
 *       {@code channelRead} + {@code channelReadComplete}. With Netty auto-read off, the flow's
 *       auto-read goes off again after one buffer, so unread bytes stay in the bounded TCP receive
 *       buffer and the guest's window shrinks to zero — a slow consumer slows the guest.</li>
 *   <li>writes: flushed buffers move into the flow only while the flow is writable (its send
 *       buffer is below {@code TcpConfig.sendBuffer}); the rest waits in Netty's outbound buffer,
 *       whose water marks drive {@link #isWritable()} — so a slow guest stops upstream reads
 *       wherever a handler honours writability (the relay does).</li>
 *   <li>{@link #shutdownOutput()} sends FIN after queued bytes; a guest FIN closes the channel,
 *       or with {@link ChannelOption#ALLOW_HALF_CLOSURE} fires {@link ChannelInputShutdownEvent}.</li>
 *   <li>{@code close()} is a graceful close (FIN); with {@code SO_LINGER} 0, or {@link #abort()},
 *       it is an abortive one (RST).</li>
 * </ul>
 */
public final class FlowChannel extends AbstractChannel implements DuplexChannel {
    private static final ChannelMetadata METADATA = new ChannelMetadata(false, 16);

    private final Flow flow;
    private final FlowChannelConfig config;
    private boolean open = true;
    private boolean flowClosed;
    private boolean inputShutdown;
    private boolean outputShutdown;

    FlowChannel(Flow flow) {
        super(FlowListenerChannel.INSTANCE);
        this.flow = flow;
        this.config = new FlowChannelConfig(this);
    }

    /** The netstack flow under this channel. */
    public Flow flow() {
        return flow;
    }

    @Override
    public FlowChannelConfig config() {
        return config;
    }

    @Override
    public ChannelMetadata metadata() {
        return METADATA;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public boolean isActive() {
        return open && !flowClosed;
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) super.localAddress();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return (InetSocketAddress) super.remoteAddress();
    }

    /** The destination the guest dialed, which the stack impersonates. */
    @Override
    protected SocketAddress localAddress0() {
        return flow.id().destination();
    }

    /** The guest's own address and port. */
    @Override
    protected SocketAddress remoteAddress0() {
        return flow.id().source();
    }

    @Override
    protected boolean isCompatible(EventLoop loop) {
        // No I/O registration is needed: the flow is driven by the stack. The loop must be the
        // stack's own thread, which FlowChannelHandler guarantees.
        return loop.inEventLoop() || loop == flow.executor();
    }

    @Override
    protected AbstractUnsafe newUnsafe() {
        return new FlowUnsafe();
    }

    @Override
    protected void doBind(SocketAddress localAddress) {
        throw new UnsupportedOperationException("a flow channel is bound by the guest's connection");
    }

    @Override
    protected void doDisconnect() {
        doClose();
    }

    @Override
    protected void doClose() {
        if (!open) {
            return;
        }
        open = false;
        Integer linger = config.getOption(ChannelOption.SO_LINGER);
        if (linger != null && linger == 0) {
            flow.abort();
        } else {
            flow.close();
        }
    }

    /** Closes with an RST toward the guest (discarding queued bytes) instead of a FIN. */
    public ChannelFuture abort() {
        config.setOption(ChannelOption.SO_LINGER, 0);
        return close();
    }

    @Override
    protected void doBeginRead() {
        if (!isActive()) {
            return;
        }
        if (!flow.isAutoRead()) {
            flow.setAutoRead(true);
        }
    }

    /** Called when Netty auto-read is switched off: stop pulling from the receive buffer. */
    void autoReadCleared() {
        flow.setAutoRead(false);
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) {
        while (true) {
            Object msg = in.current();
            if (msg == null) {
                return;
            }
            if (outputShutdown || flowClosed) {
                in.remove(new java.nio.channels.ClosedChannelException());
                continue;
            }
            if (!flow.isWritable()) {
                // Leave the rest in Netty's outbound buffer; the flow calls back when it drains.
                return;
            }
            ByteBuf buf = (ByteBuf) msg;
            int n = buf.readableBytes();
            if (n > 0) {
                flow.write(buf.retainedSlice());
                in.progress(n);
            }
            in.remove();
        }
    }

    @Override
    protected Object filterOutboundMessage(Object msg) {
        if (msg instanceof ByteBuf) {
            return msg;
        }
        ReferenceCountUtil.release(msg);
        throw new UnsupportedOperationException("a flow channel writes ByteBufs only, not " + msg.getClass().getSimpleName());
    }

    // ------------------------------------------------------------------ half-close (DuplexChannel)

    @Override
    public boolean isInputShutdown() {
        return inputShutdown;
    }

    @Override
    public ChannelFuture shutdownInput() {
        return shutdownInput(newPromise());
    }

    /** Stops delivering guest bytes (they are dropped in the stack, the guest is not told). */
    @Override
    public ChannelFuture shutdownInput(ChannelPromise promise) {
        return onLoop(promise, () -> {
            inputShutdown = true;
            flow.setAutoRead(false);
        });
    }

    @Override
    public boolean isOutputShutdown() {
        return outputShutdown;
    }

    @Override
    public ChannelFuture shutdownOutput() {
        return shutdownOutput(newPromise());
    }

    /** Sends FIN toward the guest after everything already flushed. */
    @Override
    public ChannelFuture shutdownOutput(ChannelPromise promise) {
        return onLoop(promise, () -> {
            // Bytes parked in Netty's outbound buffer go first; the flow queues the FIN after them.
            ((FlowUnsafe) unsafe()).drain();
            outputShutdown = true;
            flow.shutdownOutput();
        });
    }

    @Override
    public boolean isShutdown() {
        return inputShutdown && outputShutdown || !isActive();
    }

    @Override
    public ChannelFuture shutdown() {
        return shutdown(newPromise());
    }

    @Override
    public ChannelFuture shutdown(ChannelPromise promise) {
        shutdownOutput();
        return shutdownInput(promise);
    }

    private ChannelFuture onLoop(ChannelPromise promise, Runnable r) {
        if (eventLoop().inEventLoop()) {
            r.run();
            promise.setSuccess();
        } else {
            eventLoop().execute(() -> {
                r.run();
                promise.setSuccess();
            });
        }
        return promise;
    }

    // ------------------------------------------------------------------ events from the flow (stack thread)

    void onData(ByteBuf data) {
        if (!open || inputShutdown) {
            data.release();
            return;
        }
        if (!config.isAutoRead()) {
            // One read() request is satisfied by one buffer; further bytes wait in the stack.
            flow.setAutoRead(false);
        }
        pipeline().fireChannelRead(data);
        pipeline().fireChannelReadComplete();
    }

    void onInputShutdown() {
        inputShutdown = true;
        if (!open) {
            return;
        }
        if (Boolean.TRUE.equals(config.getOption(ChannelOption.ALLOW_HALF_CLOSURE))) {
            pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
            pipeline().fireUserEventTriggered(ChannelInputShutdownReadComplete.INSTANCE);
        } else {
            unsafe().close(voidPromise());
        }
    }

    void onWritabilityChanged() {
        if (flow.isWritable()) {
            ((FlowUnsafe) unsafe()).drain();
        }
    }

    void onClosed(CloseReason reason) {
        flowClosed = true;
        if (open) {
            if (reason == CloseReason.RESET_BY_PEER || reason == CloseReason.TIMED_OUT) {
                pipeline().fireExceptionCaught(new java.io.IOException("guest connection " + reason.name().toLowerCase(java.util.Locale.ROOT)));
            }
            unsafe().close(voidPromise());
        }
    }

    private final class FlowUnsafe extends AbstractUnsafe {
        @Override
        public void connect(SocketAddress remote, SocketAddress local, ChannelPromise promise) {
            promise.setFailure(new UnsupportedOperationException("a flow channel is already connected"));
        }

        /** Moves flushed messages parked in the outbound buffer into the flow. */
        void drain() {
            flush0();
        }
    }
}
