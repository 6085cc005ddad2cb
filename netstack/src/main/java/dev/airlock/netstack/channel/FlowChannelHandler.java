package dev.airlock.netstack.channel;

import dev.airlock.netstack.flow.CloseReason;
import dev.airlock.netstack.flow.Flow;
import dev.airlock.netstack.flow.FlowHandler;
import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import java.util.function.Consumer;

/**
 * The {@link FlowHandler} that turns an accepted flow into a {@link FlowChannel}: when the
 * guest's handshake completes it creates the channel, lets {@code initializer} set up the
 * pipeline, and registers the channel on the stack's event loop (which fires
 * {@code channelRegistered} and {@code channelActive}). Until a handler reads, guest bytes
 * wait in the stack: the channel starts with the flow's auto-read as Netty's config says.
 *
 * <p>If the guest gives up before the handshake completes, {@code neverOpened} runs instead
 * (the acceptor typically closes the upstream connection it opened for this flow).
 */
public final class FlowChannelHandler implements FlowHandler {
    private final Consumer<FlowChannel> initializer;
    private final Runnable neverOpened;
    private FlowChannel channel;

    public FlowChannelHandler(Consumer<FlowChannel> initializer, Runnable neverOpened) {
        this.initializer = initializer;
        this.neverOpened = neverOpened;
    }

    /** The channel, once the flow is open (null before). */
    public FlowChannel channel() {
        return channel;
    }

    @Override
    public void onOpen(Flow flow) {
        if (!(flow.executor() instanceof EventLoop loop)) {
            throw new IllegalStateException("the stack does not run on a Netty EventLoop: " + flow.executor());
        }
        // Nothing is read until the pipeline asks: the stack buffers (bounded) meanwhile.
        flow.setAutoRead(false);
        FlowChannel ch = new FlowChannel(flow);
        channel = ch;
        initializer.accept(ch);
        // On the loop's own thread registration completes synchronously, so channelActive has
        // fired (and an auto-reading pipeline has asked for data) when this returns.
        loop.register(ch);
    }

    @Override
    public void onData(Flow flow, ByteBuf data) {
        if (channel == null) {
            data.release();
            return;
        }
        channel.onData(data);
    }

    @Override
    public void onInputShutdown(Flow flow) {
        if (channel != null) {
            channel.onInputShutdown();
        }
    }

    @Override
    public void onWritabilityChanged(Flow flow) {
        if (channel != null) {
            channel.onWritabilityChanged();
        }
    }

    @Override
    public void onClosed(Flow flow, CloseReason reason) {
        if (channel == null) {
            neverOpened.run();
            return;
        }
        channel.onClosed(reason);
    }
}
