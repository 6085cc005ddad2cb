package dev.airlock.gateway.relay;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;

/**
 * Copies bytes from the channel it sits on to {@code peer}, with backpressure: while the
 * peer cannot take more, this side stops reading (autoRead off), so buffers stay bounded.
 * Closing either side closes the other after pending writes are flushed. A half-close is
 * passed on when both channels support it ({@link DuplexChannel}): one side's FIN becomes a
 * FIN toward the other after the bytes before it, and the pair closes once both directions
 * are done — so a client that sends, shuts its write side and then reads the reply (and a
 * sandbox guest doing the same) gets the whole reply.
 */
public final class RelayHandler extends ChannelInboundHandlerAdapter {
    /** Told once, when both channels of a joined pair have closed, how many bytes each side sent. */
    public interface Ended {
        void ended(long fromA, long fromB);
    }

    private final Channel peer;
    private final Pair pair;
    private long bytesRead;

    /** Relays this channel's bytes to {@code peer}, counting nothing (the other direction is set up separately). */
    public RelayHandler(Channel peer) {
        this(peer, null);
    }

    private RelayHandler(Channel peer, Pair pair) {
        this.peer = peer;
        this.pair = pair;
    }

    /** Joins two channels both ways and starts reading on both. */
    public static void join(Channel a, Channel b) {
        join(a, b, null);
    }

    /** As {@link #join(Channel, Channel)}, and reports the byte counts once both have closed. */
    public static void join(Channel a, Channel b, Ended ended) {
        if (a instanceof DuplexChannel && b instanceof DuplexChannel) {
            a.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
            b.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        }
        Pair pair = ended == null ? null : new Pair(ended);
        RelayHandler fromA = new RelayHandler(b, pair);
        RelayHandler fromB = new RelayHandler(a, pair);
        if (pair != null) {
            pair.fromA = fromA;
            pair.fromB = fromB;
        }
        a.pipeline().addLast("relay", fromA);
        b.pipeline().addLast("relay", fromB);
        a.config().setAutoRead(true);
        b.config().setAutoRead(true);
    }

    /** Both halves of a joined pair; the last one to see its channel close reports. Event-loop confined per channel, hence the lock. */
    private static final class Pair {
        final Ended ended;
        RelayHandler fromA;
        RelayHandler fromB;
        int closed;

        Pair(Ended ended) {
            this.ended = ended;
        }

        synchronized void closed() {
            if (++closed == 2) ended.ended(fromA.bytesRead, fromB.bytesRead);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof io.netty.buffer.ByteBuf b) bytesRead += b.readableBytes();
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
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent && peer instanceof DuplexChannel out) {
            Channel self = ctx.channel();
            peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> out.shutdownOutput().addListener(g -> {
                if (out.isShutdown()) out.close();
                if (self instanceof DuplexChannel d && d.isShutdown()) self.close();
            }));
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closeOnFlush(peer);
        if (pair != null) pair.closed();
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
