package dev.airlock.gateway.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpObject;
import io.netty.util.ReferenceCountUtil;

/** Last handler of an upstream HTTP channel: hands response objects to the current exchange. */
final class ResponseRelay extends ChannelInboundHandlerAdapter {
    private Exchange exchange;
    private Runnable onIdleClose = () -> { };

    /** What to do when the upstream closes between exchanges (close the client, which will reconnect). */
    void onIdleClose(Runnable action) {
        this.onIdleClose = action;
    }

    void bind(Exchange e) {
        this.exchange = e;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (exchange != null && msg instanceof HttpObject o) {
            exchange.onResponse(o);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (exchange != null) exchange.onUpstreamReadComplete();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (exchange != null) exchange.onUpstreamWritabilityChanged();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.onUpstreamClosed();
        } else {
            onIdleClose.run();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (exchange != null) exchange.onUpstreamError(cause);
        ctx.close();
    }
}
