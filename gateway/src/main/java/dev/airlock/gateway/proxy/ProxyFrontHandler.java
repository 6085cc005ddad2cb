package dev.airlock.gateway.proxy;

import dev.airlock.gateway.flow.ConnectOutcome;
import dev.airlock.gateway.flow.ConnectPhase;
import dev.airlock.gateway.flow.Destination;
import dev.airlock.gateway.flow.Flow;
import dev.airlock.gateway.flow.FlowAudit;
import dev.airlock.gateway.flow.FlowSniffer;
import dev.airlock.gateway.flow.GatewayContext;
import dev.airlock.gateway.flow.Source;
import dev.airlock.gateway.http.HttpPipelines;
import dev.airlock.gateway.http.Responses;
import dev.airlock.gateway.net.HostLiteral;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;

/**
 * The explicit proxy's first handler on a client connection: reads the first request —
 * {@code CONNECT host:port} or an absolute-form {@code http://} request — identifies the
 * agent, runs the connect phase, and turns the connection into a {@link Flow}.
 */
final class ProxyFrontHandler extends ChannelInboundHandlerAdapter {
    private static final byte[] CONNECT_OK = "HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final GatewayContext gateway;
    private final AgentDirectory agents;
    private final ArrayDeque<HttpObject> held = new ArrayDeque<>();
    private boolean started;

    ProxyFrontHandler(GatewayContext gateway, AgentDirectory agents) {
        this.gateway = gateway;
        this.agents = agents;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HttpObject o)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (started) {
            held.add(o); // body of an absolute-form request, or the empty end of a CONNECT
            return;
        }
        if (!(o instanceof HttpRequest r)) {
            ReferenceCountUtil.release(o);
            return;
        }
        started = true;
        IdleCloser headTimeout = ctx.pipeline().get(IdleCloser.class);
        if (headTimeout != null) headTimeout.headComplete();
        ctx.channel().config().setAutoRead(false);
        if (r.decoderResult().isFailure()) {
            reply(ctx, r, HttpResponseStatus.BAD_REQUEST, "bad_request", "malformed proxy request: " + r.decoderResult().cause().getMessage());
            return;
        }
        Source source = agents.identify(r.headers().get(HttpHeaderNames.PROXY_AUTHORIZATION));
        if (source == null) {
            FullHttpResponse resp = Responses.json(ctx.alloc(), HttpResponseStatus.PROXY_AUTHENTICATION_REQUIRED,
                    "proxy_auth_required", "valid proxy credentials are required (Proxy-Authorization: Basic or Bearer)", null);
            resp.headers().set(HttpHeaderNames.PROXY_AUTHENTICATE, "Basic realm=\"airlock\"");
            ReferenceCountUtil.release(r);
            close(ctx, resp);
            return;
        }
        if (r.method() == HttpMethod.CONNECT) {
            connect(ctx, r, source);
        } else if (r.uri().regionMatches(true, 0, "http://", 0, 7)) {
            absolute(ctx, r, source);
        } else {
            reply(ctx, r, HttpResponseStatus.BAD_REQUEST, "bad_request",
                    "airlock is a proxy: send CONNECT host:port, or an absolute http:// URL");
        }
    }

    private void connect(ChannelHandlerContext ctx, HttpRequest r, Source source) {
        ReferenceCountUtil.release(r);
        Destination d;
        try {
            d = parseAuthority(r.uri());
        } catch (IllegalArgumentException bad) {
            refuseTarget(ctx, source, r.uri(), bad.getMessage());
            return;
        }
        new ConnectPhase(gateway).run(source, d, ctx.channel().eventLoop()).whenCompleteAsync((outcome, error) -> {
            switch (outcome) {
                case ConnectOutcome.Refused refused -> close(ctx, refusal(ctx, refused));
                case ConnectOutcome.Established est -> {
                    if (!ctx.channel().isActive()) {
                        est.upstream().close();
                        return;
                    }
                    releaseHeld();
                    ctx.pipeline().remove("http-decoder");
                    ctx.pipeline().remove("http-encoder");
                    ctx.pipeline().remove(this);
                    ctx.channel().writeAndFlush(Unpooled.wrappedBuffer(CONNECT_OK));
                    Flow flow = new Flow(gateway, source, est.destination(), est.decision(), ctx.channel(), est.upstream(), true);
                    FlowSniffer.start(flow);
                }
                case null -> close(ctx, Responses.json(ctx.alloc(), HttpResponseStatus.INTERNAL_SERVER_ERROR, "error",
                        "connect phase failed: " + error, null));
            }
        }, ctx.executor());
    }

    /** Absolute-form request: one flow per request (the response closes the connection). */
    private void absolute(ChannelHandlerContext ctx, HttpRequest r, Source source) {
        String rest = r.uri().substring(7);
        int end = 0;
        while (end < rest.length() && "/?#".indexOf(rest.charAt(end)) < 0) end++;
        String authority = rest.substring(0, end);
        Destination d;
        try {
            d = parseAuthority(authority.indexOf(':', authority.lastIndexOf(']') + 1) >= 0 ? authority : authority + ":80");
        } catch (IllegalArgumentException bad) {
            ReferenceCountUtil.release(r);
            refuseTarget(ctx, source, authority, bad.getMessage());
            return;
        }
        new ConnectPhase(gateway).run(source, d, ctx.channel().eventLoop()).whenCompleteAsync((outcome, error) -> {
            switch (outcome) {
                case ConnectOutcome.Refused refused -> {
                    ReferenceCountUtil.release(r);
                    close(ctx, refusal(ctx, refused));
                }
                case ConnectOutcome.Established est -> {
                    Flow flow = new Flow(gateway, source, est.destination(), est.decision(), ctx.channel(), est.upstream(), false);
                    HttpPipelines.plainProxy(flow);
                    ctx.pipeline().remove(this);
                    ctx.fireChannelRead(r);
                    while (!held.isEmpty()) ctx.fireChannelRead(held.poll());
                    ctx.fireChannelReadComplete();
                }
                case null -> {
                    ReferenceCountUtil.release(r);
                    close(ctx, Responses.json(ctx.alloc(), HttpResponseStatus.INTERNAL_SERVER_ERROR, "error",
                            "connect phase failed: " + error, null));
                }
            }
        }, ctx.executor());
    }

    private static FullHttpResponse refusal(ChannelHandlerContext ctx, ConnectOutcome.Refused refused) {
        if (refused.status() == 403) return Responses.denied(ctx.alloc(), refused.reason(), refused.decision().decisionId());
        return Responses.json(ctx.alloc(), HttpResponseStatus.valueOf(refused.status()),
                refused.status() == 502 ? "upstream_unreachable" : "unavailable", refused.reason(), refused.decision().decisionId());
    }

    /**
     * {@code host:port} with a canonical host and an explicit port.
     *
     * @throws IllegalArgumentException naming what is wrong with the target
     */
    static Destination parseAuthority(String authority) {
        int colon = authority.lastIndexOf(':');
        if (colon <= 0 || authority.indexOf(']') > colon) {
            throw new IllegalArgumentException("target '" + authority + "' is not host:port");
        }
        String portText = authority.substring(colon + 1);
        int port = portText.matches("[0-9]{1,5}") ? Integer.parseInt(portText) : 0;
        if (port < 1 || port > 65535) throw new IllegalArgumentException("bad port in target '" + authority + "'");
        return switch (HostLiteral.parse(authority.substring(0, colon))) {
            case HostLiteral.Ip ip -> new Destination(ip.text(), port, ip.address());
            case HostLiteral.Name n -> new Destination(n.text(), port, null);
            case HostLiteral.Refused refused -> throw new IllegalArgumentException(refused.reason());
        };
    }

    /** A target refused before policy could see it (obfuscated IP, bad name): audited, then 403. */
    private void refuseTarget(ChannelHandlerContext ctx, Source source, String target, String reason) {
        String id = dev.airlock.gateway.flow.DecisionIds.next();
        FlowAudit.rejectedTarget(gateway, source, target, reason, id).whenCompleteAsync(
                (seq, e) -> close(ctx, Responses.denied(ctx.alloc(), reason, id)), ctx.executor());
    }

    private void reply(ChannelHandlerContext ctx, HttpRequest r, HttpResponseStatus status, String error, String reason) {
        ReferenceCountUtil.release(r);
        close(ctx, Responses.json(ctx.alloc(), status, error, reason, null));
    }

    private void close(ChannelHandlerContext ctx, FullHttpResponse resp) {
        releaseHeld();
        resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
    }

    private void releaseHeld() {
        held.forEach(ReferenceCountUtil::release);
        held.clear();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        releaseHeld();
        ctx.close();
    }
}
