package dev.airlock.gateway.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes client connections that go idle, and connections whose first request head is not
 * complete within the header timeout — a client trickling it (slowloris). The proxy handler
 * reports the complete head ({@link #headComplete}); what airlock does after that (deciding,
 * recording, dialing) is not the client's time and does not count.
 */
final class IdleCloser extends ChannelInboundHandlerAdapter {
    private final long headerTimeoutMillis;
    private ScheduledFuture<?> headTimer;

    IdleCloser(long headerTimeoutMillis) {
        this.headerTimeoutMillis = headerTimeoutMillis;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        headTimer = ctx.executor().schedule(() -> {
            if (ctx.channel().isActive()) ctx.close();
        }, headerTimeoutMillis, TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
    }

    /** The client has sent its request head: the header timeout no longer applies. Called on the channel's loop. */
    void headComplete() {
        if (headTimer != null) headTimer.cancel(false);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            ctx.close();
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (headTimer != null) headTimer.cancel(false);
        ctx.fireChannelInactive();
    }
}
