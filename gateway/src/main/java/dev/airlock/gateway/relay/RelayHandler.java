package dev.airlock.gateway.relay;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Copies bytes from the channel it sits on to {@code peer}, with backpressure: while the
 * peer cannot take more, this side stops reading (autoRead off), so buffers stay bounded.
 * Closing either side closes the other after pending writes are flushed.
 */
public final class RelayHandler extends ChannelInboundHandlerAdapter {
    private final Channel peer;

    public RelayHandler(Channel peer) {
        this.peer = peer;
    }

    /** Joins two channels both ways and starts reading on both. */
    public static void join(Channel a, Channel b) {
        a.pipeline().addLast("relay", new RelayHandler(b));
        b.pipeline().addLast("relay", new RelayHandler(a));
        a.config().setAutoRead(true);
        b.config().setAutoRead(true);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        peer.write(msg);
        if (!peer.isWritable()) ctx.channel().config().setAutoRead(false);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        peer.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        // Our channel drained: let the peer read again.
        if (ctx.channel().isWritable()) peer.config().setAutoRead(true);
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closeOnFlush(peer);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    public static void closeOnFlush(Channel ch) {
        if (ch.isActive()) {
            ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
