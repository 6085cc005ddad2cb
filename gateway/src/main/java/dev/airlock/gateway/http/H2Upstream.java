package dev.airlock.gateway.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import java.util.concurrent.CompletableFuture;

/** The flow's upstream HTTP/2 connection: each exchange gets its own stream. */
final class H2Upstream implements UpstreamHttp {
    private final Channel connection;

    H2Upstream(Channel upstream) {
        this.connection = upstream;
        upstream.pipeline().addLast("h2", Http2FrameCodecBuilder.forClient()
                .initialSettings(Http2Settings.defaultSettings().pushEnabled(false))
                .validateHeaders(true)
                .build());
        // Streams the server opens (push) are refused by the settings above; nothing is served on them.
        upstream.pipeline().addLast("streams", new Http2MultiplexHandler(new io.netty.channel.ChannelInboundHandlerAdapter()));
    }

    @Override
    public CompletableFuture<Channel> open(Exchange exchange) {
        CompletableFuture<Channel> result = new CompletableFuture<>();
        ResponseRelay relay = new ResponseRelay();
        relay.bind(exchange);
        new Http2StreamChannelBootstrap(connection)
                .handler(new ChannelInitializer<Http2StreamChannel>() {
                    @Override
                    protected void initChannel(Http2StreamChannel ch) {
                        ch.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(false), relay);
                    }
                })
                .open()
                .addListener(f -> {
                    if (f.isSuccess()) {
                        result.complete((Channel) f.getNow());
                    } else {
                        result.completeExceptionally(f.cause());
                    }
                });
        return result;
    }

    @Override
    public void release(Channel stream, boolean reusable) {
        // The stream ended with the response; nothing to return to a pool.
    }
}
