package dev.airlock.gateway.http;

import dev.airlock.gateway.audit.AuditRecord;
import dev.airlock.gateway.audit.Phase;
import dev.airlock.gateway.decision.Decision;
import dev.airlock.gateway.decision.PolicyInput;
import dev.airlock.gateway.flow.Flow;
import dev.airlock.gateway.net.HostLiteral;
import dev.airlock.gateway.relay.RelayHandler;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Client-side handler of an inspected flow: every request is checked, decided by policy,
 * audited and only then sent upstream; its response is streamed back. Bodies are never
 * buffered whole: content flows through with backpressure in both directions.
 *
 * <p>One instance serves an HTTP/1.1 connection (requests one after another) or one HTTP/2
 * stream (a single request). All methods run on the flow's event loop.
 */
public final class ExchangeHandler extends ChannelInboundHandlerAdapter {
    private enum State { IDLE, DECIDING, FORWARDING, DRAINING, AWAIT_RESPONSE, CLOSED }

    /** Bytes of a denied request's body that are read and dropped before the connection is closed instead. */
    private static final int MAX_DRAIN_BYTES = 1 << 20;

    private final Flow flow;
    private final String scheme;
    private final String protocol;
    private final UpstreamHttp upstream;
    private final boolean oneRequest;
    private final ArrayDeque<HttpObject> pending = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private State state = State.IDLE;
    private Exchange current;
    private long drained;

    /**
     * @param oneRequest the channel serves a single exchange (an HTTP/2 stream, or an
     *                   absolute-form proxy request), then ends
     */
    public ExchangeHandler(Flow flow, String scheme, String protocol, UpstreamHttp upstream, boolean oneRequest) {
        this.oneRequest = oneRequest;
        this.flow = flow;
        this.scheme = scheme;
        this.protocol = protocol;
        this.upstream = upstream;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpObject o && state != State.CLOSED) {
            pending.add(o);
            process();
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (current != null && current.upstream != null) current.upstream.flush();
    }

    private void process() {
        while (!pending.isEmpty()) {
            switch (state) {
                case IDLE -> {
                    HttpObject m = pending.poll();
                    if (m instanceof HttpRequest r) {
                        begin(r);
                    } else {
                        ReferenceCountUtil.release(m);
                    }
                }
                case FORWARDING -> forward((HttpContent) pending.poll());
                case DRAINING -> drain(pending.poll());
                case DECIDING, AWAIT_RESPONSE, CLOSED -> {
                    updateAutoRead();
                    return;
                }
            }
        }
        updateAutoRead();
    }

    private void updateAutoRead() {
        boolean read = switch (state) {
            case IDLE, DRAINING -> true;
            case FORWARDING -> current.upstream == null || current.upstream.isWritable();
            case DECIDING, AWAIT_RESPONSE, CLOSED -> false;
        };
        ctx.channel().config().setAutoRead(read);
    }

    // ---- request side ----

    private void begin(HttpRequest r) {
        if (r.decoderResult().isFailure()) {
            Throwable cause = r.decoderResult().cause();
            HttpResponseStatus status = cause instanceof TooLongHttpHeaderException ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                    : cause instanceof TooLongHttpLineException ? HttpResponseStatus.REQUEST_URI_TOO_LONG
                    : cause instanceof TooLongFrameException ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                    : HttpResponseStatus.BAD_REQUEST;
            refuse(r, status, "bad_request", "malformed HTTP request: " + cause.getMessage());
            return;
        }
        String problem = RequestChecks.framingProblem(r);
        if (problem != null) {
            refuse(r, HttpResponseStatus.BAD_REQUEST, "bad_request", problem);
            return;
        }
        RequestTarget target = RequestTarget.of(r, flow.destination().port(), scheme);
        if (target.problem() != null) {
            refuse(r, HttpResponseStatus.BAD_REQUEST, "bad_request", target.problem());
            return;
        }
        String misdirected = RequestChecks.authorityMismatch(target, flow);
        if (misdirected != null) {
            refuse(r, HttpResponseStatus.MISDIRECTED_REQUEST, "misdirected", misdirected);
            return;
        }
        r.setUri(target.originForm());
        Exchange e = new Exchange(this, r, target.originForm());
        e.requestComplete = r instanceof LastHttpContent;
        current = e;
        state = State.DECIDING;
        QueryStringDecoder qs = new QueryStringDecoder(target.originForm());
        PolicyInput.Request req = new PolicyInput.Request(r.method().name(), scheme, qs.path(), qs.parameters(),
                policyHeaders(r), protocol);
        flow.gateway().decider()
                .decide(PolicyInput.request(flow.source(), flow.destination(), flow.sni(), req, List.of()))
                .whenCompleteAsync((decision, error) -> {
                    if (state == State.CLOSED) return;
                    Decision d = decision != null ? decision
                            : Decision.deny("policy error: " + error, "", flow.connectDecision().policyRevision());
                    e.decision = d;
                    if (d.allow()) {
                        allow(e);
                    } else {
                        deny(e);
                    }
                }, ctx.executor());
    }

    /** Header names in lower case, values in order; the proxy credential never reaches policy. */
    private static Map<String, List<String>> policyHeaders(HttpRequest r) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> h : r.headers()) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (name.equals("proxy-authorization")) continue;
            out.computeIfAbsent(name, k -> new ArrayList<>()).add(h.getValue());
        }
        return out;
    }

    private void allow(Exchange e) {
        HttpRequest r = e.request;
        r.headers().remove(HttpHeaderNames.PROXY_AUTHORIZATION);
        r.headers().remove("proxy-connection");
        upstream.open(e).whenCompleteAsync((ch, error) -> {
            if (state == State.CLOSED) return;
            if (error != null) {
                e.status = 502;
                audit(e, false, "upstream unavailable: " + error.getMessage())
                        .whenCompleteAsync((s, x) -> respondAndMaybeClose(e, Responses.json(ctx.alloc(),
                                HttpResponseStatus.BAD_GATEWAY, "upstream_unavailable", error.getMessage(), e.decision.decisionId()), true),
                                ctx.executor());
                return;
            }
            e.upstream = ch;
            ch.write(r);
            if (r instanceof LastHttpContent) {
                ch.flush();
                state = State.AWAIT_RESPONSE;
            } else {
                state = State.FORWARDING;
            }
            ch.config().setAutoRead(true);
            process();
        }, ctx.executor());
    }

    private void forward(HttpContent c) {
        Exchange e = current;
        e.bytesUp += c.content().readableBytes();
        e.upstream.write(c);
        if (c instanceof LastHttpContent) {
            e.requestComplete = true;
            e.upstream.flush();
            state = State.AWAIT_RESPONSE;
        } else if (!e.upstream.isWritable()) {
            e.upstream.flush();
        }
    }

    private void deny(Exchange e) {
        e.status = 403;
        audit(e, false, e.decision.reason()).whenCompleteAsync((seq, error) -> {
            if (state == State.CLOSED) return;
            String reason = error == null ? e.decision.reason() : "audit log unavailable: " + error.getMessage();
            respondAndMaybeClose(e, Responses.denied(ctx.alloc(), reason, e.decision.decisionId()), error != null);
        }, ctx.executor());
    }

    /** Answers {@code e} from airlock itself; drains or closes depending on whether the request body is still coming. */
    private void respondAndMaybeClose(Exchange e, FullHttpResponse response, boolean close) {
        boolean bodyPending = !e.requestComplete && !pendingHasLast();
        if (close || bodyPending && !(HttpUtil.isContentLengthSet(e.request) && HttpUtil.getContentLength(e.request, 0L) <= MAX_DRAIN_BYTES)) {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            state = State.CLOSED;
            releasePending();
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.writeAndFlush(response);
        current = null;
        drained = 0;
        state = e.requestComplete ? State.IDLE : State.DRAINING;
        process();
    }

    private boolean pendingHasLast() {
        for (HttpObject o : pending) if (o instanceof LastHttpContent) return true;
        return false;
    }

    private void drain(HttpObject m) {
        if (m instanceof HttpContent c) drained += c.content().readableBytes();
        boolean last = m instanceof LastHttpContent;
        ReferenceCountUtil.release(m);
        if (last) {
            state = State.IDLE;
        } else if (drained > MAX_DRAIN_BYTES) {
            closeClient();
        }
    }

    /** A request refused before policy saw it (malformed, smuggling, fronting): audited, answered, connection closed. */
    private void refuse(HttpRequest r, HttpResponseStatus status, String error, String reason) {
        ReferenceCountUtil.release(r);
        Exchange e = new Exchange(this, r, r.uri());
        e.status = status.code();
        e.decision = Decision.deny(reason, flow.connectDecision().decisionId(), flow.connectDecision().policyRevision());
        state = State.CLOSED;
        releasePending();
        audit(e, false, reason).whenCompleteAsync((s, x) -> {
            FullHttpResponse resp = Responses.json(ctx.alloc(), status, error, reason, e.decision.decisionId());
            resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
        }, ctx.executor());
    }

    // ---- response side (called through Exchange, on the same event loop) ----

    private final ArrayDeque<HttpObject> heldResponse = new ArrayDeque<>();
    private boolean auditPending;

    void onResponse(Exchange e, HttpObject o) {
        if (e != current || state == State.CLOSED) {
            ReferenceCountUtil.release(o);
            return;
        }
        if (auditPending) {
            heldResponse.add(o);
            return;
        }
        if (o instanceof HttpResponse resp && !e.responseStarted) {
            if (resp.decoderResult().isFailure()) {
                ReferenceCountUtil.release(o);
                onUpstreamError(e, resp.decoderResult().cause());
                return;
            }
            int code = resp.status().code();
            if (code >= 100 && code < 200 && code != 101) {
                ctx.writeAndFlush(o);
                return;
            }
            e.responseStarted = true;
            e.status = code;
            auditPending = true;
            e.upstream.config().setAutoRead(false);
            audit(e, true, e.decision.reason()).whenCompleteAsync((seq, error) -> {
                auditPending = false;
                if (error != null) {
                    // Nothing unrecorded reaches the client (invariant 5).
                    ReferenceCountUtil.release(o);
                    heldResponse.forEach(ReferenceCountUtil::release);
                    heldResponse.clear();
                    e.upstream.close();
                    closeClient();
                    return;
                }
                relayToClient(e, o);
                while (!heldResponse.isEmpty() && state != State.CLOSED) relayToClient(e, heldResponse.poll());
                if (state != State.CLOSED && current == e) e.upstream.config().setAutoRead(ctx.channel().isWritable());
            }, ctx.executor());
            return;
        }
        relayToClient(e, o);
    }

    private void relayToClient(Exchange e, HttpObject o) {
        if (o instanceof HttpContent c) e.bytesDown += c.content().readableBytes();
        boolean last = o instanceof LastHttpContent;
        if (o instanceof HttpResponse resp && resp.status().code() == 101) {
            ctx.writeAndFlush(o).addListener(f -> switchToRelay(e));
            return;
        }
        if (last) {
            ctx.writeAndFlush(o);
            finish(e);
        } else {
            ctx.write(o);
            if (!ctx.channel().isWritable()) {
                ctx.flush();
                e.upstream.config().setAutoRead(false);
            } else {
                ctx.flush();
            }
        }
    }

    /** After a 101 (WebSocket or other upgrade the policy allowed), both sides become a byte relay. */
    private void switchToRelay(Exchange e) {
        state = State.CLOSED;
        releasePending();
        Channel up = e.upstream;
        HttpPipelines.toRawRelay(ctx.channel(), up);
    }

    private void finish(Exchange e) {
        boolean reusable = e.requestComplete && HttpUtil.isKeepAlive(e.request) && !oneRequest;
        upstream.release(e.upstream, reusable || "HTTP/2".equals(protocol));
        current = null;
        if (!reusable) {
            state = State.CLOSED;
            // An HTTP/2 stream ends with its response; an HTTP/1.1 connection that cannot be reused is closed.
            if (!"HTTP/2".equals(protocol)) ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        state = State.IDLE;
        process();
    }

    void onUpstreamWritabilityChanged(Exchange e) {
        if (e == current) updateAutoRead();
    }

    void onUpstreamClosed(Exchange e) {
        if (e != current || state == State.CLOSED) return;
        if (e.responseStarted) {
            closeClient(); // the response was cut short; the client must see it incomplete, not complete
        } else {
            onUpstreamError(e, new java.io.IOException("upstream closed the connection before responding"));
        }
    }

    void onUpstreamError(Exchange e, Throwable cause) {
        if (e != current || state == State.CLOSED) return;
        if (e.responseStarted) {
            closeClient();
            return;
        }
        e.status = 502;
        String reason = "upstream error: " + cause.getMessage();
        audit(e, false, reason).whenCompleteAsync((s, x) -> respondAndMaybeClose(e,
                Responses.json(ctx.alloc(), HttpResponseStatus.BAD_GATEWAY, "upstream_error", reason, e.decision.decisionId()), true),
                ctx.executor());
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (current != null && current.upstream != null && current.responseStarted && !auditPending) {
            current.upstream.config().setAutoRead(ctx.channel().isWritable());
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        state = State.CLOSED;
        releasePending();
        if (current != null && current.upstream != null) current.upstream.close();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        closeClient();
    }

    private void closeClient() {
        state = State.CLOSED;
        releasePending();
        ctx.close();
    }

    private void releasePending() {
        pending.forEach(ReferenceCountUtil::release);
        pending.clear();
        heldResponse.forEach(ReferenceCountUtil::release);
        heldResponse.clear();
    }

    // ---- audit ----

    private java.util.concurrent.CompletableFuture<Long> audit(Exchange e, boolean allow, String reason) {
        var d = flow.destination();
        return flow.gateway().audit().append(AuditRecord.builder()
                .time(Instant.now())
                .decisionId(e.decision.decisionId().isEmpty() ? dev.airlock.gateway.flow.DecisionIds.next() : e.decision.decisionId())
                .agent(flow.source().agent())
                .phase(Phase.REQUEST)
                .destination(d.host(), HostLiteral.format(d.address()), d.port())
                .method(e.request.method().name())
                .path(e.path)
                .status(e.status)
                .bytesUp(e.bytesUp)
                .bytesDown(e.bytesDown)
                .durationMs(e.elapsedMillis())
                .allow(allow)
                .reason(reason)
                .policyRevision(e.decision.policyRevision())
                .secretsInjected(e.secretsInjected)
                .build());
    }
}
