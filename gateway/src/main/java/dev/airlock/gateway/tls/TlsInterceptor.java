package dev.airlock.gateway.tls;

import dev.airlock.gateway.flow.Flow;
import dev.airlock.gateway.flow.FlowAudit;
import dev.airlock.gateway.http.HttpPipelines;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslHandler;
import java.util.List;

/**
 * Terminates an inspected flow's TLS. The upstream handshake comes first, offering the
 * protocols the client offered (of those airlock can inspect); the protocol the destination
 * picks is then the only one offered back to the client, so both sides speak the same HTTP
 * version. The client's ClientHello waits, unanswered, until then.
 */
public final class TlsInterceptor {
    private TlsInterceptor() {}

    /**
     * @param sniffer the sniffer's context on the client channel; the sniffer is removed here
     * @param hello   the client's ClientHello bytes, replayed into the server-side SslHandler
     */
    public static void intercept(Flow flow, ClientHello parsed, ChannelHandlerContext sniffer, ByteBuf hello, long startedNanos) {
        List<String> offer = parsed.alpn().stream().filter(TlsContexts.SUPPORTED_ALPN::contains).toList();
        if (!parsed.alpn().isEmpty() && offer.isEmpty()) {
            hello.release();
            String reason = "client offers only " + parsed.alpn() + " over TLS; airlock inspects h2 and http/1.1";
            FlowAudit.flowDenied(flow, reason, startedNanos).whenComplete((s, e) -> flow.closeBoth());
            return;
        }
        TlsContexts tls = flow.gateway().tls();
        Channel upstream = flow.upstream();
        SslHandler upstreamTls = tls.clientContext(offer)
                .newHandler(upstream.alloc(), flow.destination().host(), flow.destination().port());
        upstream.pipeline().addLast("tls", upstreamTls);
        upstream.config().setAutoRead(true);
        upstreamTls.handshakeFuture().addListener(f -> {
            if (!f.isSuccess()) {
                hello.release();
                String reason = "TLS handshake with " + flow.destination().authority() + " failed: " + rootMessage(f.cause());
                FlowAudit.flowDenied(flow, reason, startedNanos).whenComplete((s, e) -> flow.closeBoth());
                return;
            }
            String protocol = upstreamTls.applicationProtocol() == null
                    ? ApplicationProtocolNames.HTTP_1_1 : upstreamTls.applicationProtocol();
            SslHandler clientTls = tls.serverContext(flow.tlsName(), protocol).newHandler(flow.client().alloc());
            sniffer.pipeline().addAfter(sniffer.name(), "tls", clientTls);
            HttpPipelines.afterTls(flow, protocol);
            sniffer.pipeline().remove(sniffer.name());
            flow.client().pipeline().fireChannelRead(hello);
            flow.client().pipeline().fireChannelReadComplete();
            flow.client().config().setAutoRead(true);
        });
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) c = c.getCause();
        return c.getMessage() == null ? c.toString() : c.getMessage();
    }
}
