package dev.airlock.gateway.support;

import dev.airlock.secrets.ca.LeafCredentials;
import dev.airlock.secrets.ca.LocalCa;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * A real TLS HTTP server (Netty, HTTP/1.1 and HTTP/2 by ALPN) with a certificate from its own
 * CA, standing in for an API on the internet. It answers every request with a JSON echo of
 * what it received, so tests can see exactly what airlock forwarded.
 */
public final class TlsEchoServer implements AutoCloseable {
    private final Channel channel;
    private final Path caPem;
    /** Every request as the server saw it (the echo JSON), so tests can check what airlock forwarded. */
    public final java.util.concurrent.BlockingQueue<String> received;

    private TlsEchoServer(Channel channel, Path caPem, java.util.concurrent.BlockingQueue<String> received) {
        this.channel = channel;
        this.caPem = caPem;
        this.received = received;
    }

    /** @param caDir where this server's own CA is created; its PEM is what airlock must trust upstream */
    public static TlsEchoServer start(EventLoopGroup group, Path caDir, String... names) throws Exception {
        LocalCa ca = LocalCa.open(caDir);
        java.util.concurrent.BlockingQueue<String> received = new java.util.concurrent.LinkedBlockingQueue<>();
        // One certificate per name the client asks for (SNI), all from this server's own CA.
        java.util.Map<String, SslContext> contexts = new java.util.concurrent.ConcurrentHashMap<>();
        io.netty.util.Mapping<String, SslContext> bySni = sni -> contexts.computeIfAbsent(sni == null ? names[0] : sni, n -> {
            LeafCredentials leaf = ca.mint(n);
            try {
                return SslContextBuilder.forServer(leaf.privateKey(), leaf.chain())
                        .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                                ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1))
                        .build();
            } catch (javax.net.ssl.SSLException e) {
                throw new IllegalStateException(e);
            }
        });
        Channel ch = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                        c.pipeline().addLast(new io.netty.handler.ssl.SniHandler(bySni), new ApplicationProtocolNegotiationHandler(ApplicationProtocolNames.HTTP_1_1) {
                            @Override
                            protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
                                if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
                                    ctx.pipeline().addLast(Http2FrameCodecBuilder.forServer().build(),
                                            new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
                                                @Override
                                                protected void initChannel(Http2StreamChannel s) {
                                                    s.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true),
                                                            new HttpObjectAggregator(16 << 20), new Echo("HTTP/2", received));
                                                }
                                            }));
                                } else {
                                    ctx.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(16 << 20),
                                            new WebSocketServerProtocolHandler("/ws"), new WebSocketEcho(), new Echo("HTTP/1.1", received));
                                }
                            }
                        });
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
        return new TlsEchoServer(ch, ca.directory().certificateFile(), received);
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    public Path caPem() {
        return caPem;
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
    }

    /** Echoes WebSocket text frames back with an "echo: " prefix. */
    private static final class WebSocketEcho extends SimpleChannelInboundHandler<TextWebSocketFrame> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame frame) {
            ctx.writeAndFlush(new TextWebSocketFrame("echo: " + frame.text()));
        }
    }

    /** Replies {"protocol", "method", "uri", "headers": {...}, "body"}. */
    private static final class Echo extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final String protocol;
        private final java.util.concurrent.BlockingQueue<String> received;

        Echo(String protocol, java.util.concurrent.BlockingQueue<String> received) {
            this.protocol = protocol;
            this.received = received;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            if (req.uri().startsWith("/sse")) {
                serverSentEvents(ctx);
                return;
            }
            StringBuilder sb = new StringBuilder("{\"protocol\":\"").append(protocol).append("\",\"method\":\"")
                    .append(req.method()).append("\",\"uri\":").append(quote(req.uri())).append(",\"headers\":{");
            boolean first = true;
            for (Map.Entry<String, String> h : req.headers()) {
                if (!first) sb.append(',');
                first = false;
                sb.append(quote(h.getKey().toLowerCase())).append(':').append(quote(h.getValue()));
            }
            sb.append("},\"body\":").append(quote(req.content().toString(StandardCharsets.UTF_8))).append("}");
            received.add(sb.toString());
            ByteBuf body = Unpooled.copiedBuffer(sb, StandardCharsets.UTF_8);
            FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, body);
            resp.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
            HttpUtil.setContentLength(resp, body.readableBytes());
            ctx.writeAndFlush(resp);
        }

        /**
         * Three events, one every 300 ms, on a chunked response: a client that sees the first
         * event before the stream ends proves the gateway streams instead of buffering.
         */
        private static void serverSentEvents(ChannelHandlerContext ctx) {
            DefaultHttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream");
            HttpUtil.setTransferEncodingChunked(head, true);
            ctx.writeAndFlush(head);
            for (int i = 0; i < 3; i++) {
                int n = i;
                ctx.executor().schedule(() -> {
                    ctx.writeAndFlush(new DefaultHttpContent(Unpooled.copiedBuffer("data: event " + n + "\n\n", StandardCharsets.UTF_8)));
                    if (n == 2) ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
                }, 300L * (i + 1), java.util.concurrent.TimeUnit.MILLISECONDS);
            }
        }

        private static String quote(String s) {
            return dev.airlock.policy.value.Json.quote(s);
        }
    }
}
