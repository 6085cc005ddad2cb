package dev.airlock.gateway.http;

import dev.airlock.gateway.flow.Flow;
import dev.airlock.gateway.flow.GatewayLimits;
import dev.airlock.gateway.relay.RelayHandler;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolNames;

/** Builds the HTTP handlers of an inspected flow on both of its channels. */
public final class HttpPipelines {
    private HttpPipelines() {}

    /** Plain HTTP/1.1 inside a flow (e.g. a sandbox connection to port 80). */
    public static void plain(Flow flow) {
        h1(flow, "http");
    }

    /**
     * An absolute-form proxy request: the client pipeline already has the proxy's HTTP codec;
     * the connection serves this one destination for one request, because a proxy client may
     * send its next request on it to any other host.
     */
    public static void plainProxy(Flow flow) {
        H1Upstream upstream = new H1Upstream(flow.upstream(), flow.client()::close);
        flow.client().pipeline().addLast("exchange", new ExchangeHandler(flow, "http", "HTTP/1.1", upstream, true));
    }

    /** After TLS termination, for the protocol the destination negotiated. */
    public static void afterTls(Flow flow, String alpnProtocol) {
        if (ApplicationProtocolNames.HTTP_2.equals(alpnProtocol)) {
            h2(flow);
        } else {
            h1(flow, "https");
        }
    }

    private static void h1(Flow flow, String scheme) {
        GatewayLimits limits = flow.gateway().limits();
        ChannelPipeline p = flow.client().pipeline();
        p.addLast("http-decoder", new StrictRequestDecoder(new HttpDecoderConfig()
                .setMaxInitialLineLength(limits.maxInitialLineBytes())
                .setMaxHeaderSize(limits.maxHeaderBytes())
                .setMaxChunkSize(64 * 1024)));
        p.addLast("http-encoder", new ClientResponseEncoder());
        H1Upstream upstream = new H1Upstream(flow.upstream(), flow.client()::close);
        p.addLast("exchange", new ExchangeHandler(flow, scheme, "HTTP/1.1", upstream, false));
    }

    private static void h2(Flow flow) {
        GatewayLimits limits = flow.gateway().limits();
        H2Upstream upstream = new H2Upstream(flow.upstream());
        ChannelPipeline p = flow.client().pipeline();
        p.addLast("h2", Http2FrameCodecBuilder.forServer()
                .initialSettings(Http2Settings.defaultSettings()
                        .maxConcurrentStreams(256)
                        .maxHeaderListSize(limits.maxHeaderBytes()))
                .validateHeaders(true)
                .build());
        ChannelHandler perStream = new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel stream) {
                stream.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true),
                        new ExchangeHandler(flow, "https", "HTTP/2", upstream, true));
            }
        };
        p.addLast("streams", new Http2MultiplexHandler(perStream));
        flow.upstream().closeFuture().addListener(f -> flow.client().close());
        flow.client().closeFuture().addListener(f -> flow.upstream().close());
    }

    /** After an allowed upgrade (101): drop the HTTP codecs and relay bytes both ways. */
    static void toRawRelay(Channel client, Channel upstream) {
        ChannelPipeline c = client.pipeline();
        ChannelPipeline u = upstream.pipeline();
        c.remove("exchange");
        c.addLast("relay", new RelayHandler(upstream));
        c.remove("http-encoder");
        c.remove("http-decoder");
        u.remove("response");
        u.addLast("relay", new RelayHandler(client));
        u.remove("http");
        client.config().setAutoRead(true);
        upstream.config().setAutoRead(true);
    }
}
