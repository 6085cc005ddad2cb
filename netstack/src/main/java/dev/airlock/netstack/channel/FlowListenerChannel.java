package dev.airlock.netstack.channel;

import io.netty.channel.AbstractServerChannel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.EventLoop;
import java.net.SocketAddress;

/**
 * The parent of every {@link FlowChannel}: stands for "the stack accepted this connection"
 * the way a listening socket is the parent of an accepted one. Netty code tells the server
 * side of a connection by its parent being a {@link io.netty.channel.ServerChannel} (the
 * HTTP/2 multiplexer does, to know which peer opens odd-numbered streams); a flow is always
 * the server side. It is never registered, bound or read: connections arrive through the
 * stack's {@code FlowAcceptor}, not through this channel.
 */
final class FlowListenerChannel extends AbstractServerChannel {
    static final FlowListenerChannel INSTANCE = new FlowListenerChannel();

    private final ChannelConfig config = new DefaultChannelConfig(this);

    private FlowListenerChannel() {}

    @Override
    public ChannelConfig config() {
        return config;
    }

    @Override
    public boolean isOpen() {
        return true;
    }

    @Override
    public boolean isActive() {
        return false;
    }

    @Override
    protected boolean isCompatible(EventLoop loop) {
        return false;
    }

    @Override
    protected SocketAddress localAddress0() {
        return null;
    }

    @Override
    protected void doBind(SocketAddress localAddress) {
        throw new UnsupportedOperationException("the netstack accepts flows itself");
    }

    @Override
    protected void doClose() {
        // nothing to release: the stack owns the connections
    }

    @Override
    protected void doBeginRead() {
        // flows are never read from the parent
    }
}
