package dev.airlock.gateway.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Closes client connections that go idle, and connections that have not become a flow
 * within the header timeout — a client trickling its first request head (slowloris). The
 * proxy handler leaves the pipeline once the connection is a flow; if it is still there when
 * the timer fires, the connection is closed.
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
            if (ctx.pipeline().get("front") != null && ctx.channel().isActive()) ctx.close();
        }, headerTimeoutMillis, TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
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
