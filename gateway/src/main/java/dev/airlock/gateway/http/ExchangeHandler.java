package dev.airlock.gateway.http;

import dev.airlock.gateway.audit.AuditRecord;
import dev.airlock.gateway.audit.Phase;
import dev.airlock.gateway.decision.Decision;
import dev.airlock.gateway.decision.PolicyInput;
import dev.airlock.gateway.flow.Flow;
import dev.airlock.gateway.net.HostLiteral;
import dev.airlock.secrets.broker.HttpHeader;
import dev.airlock.secrets.broker.Inspection;
import dev.airlock.secrets.broker.LeakFinding;
import dev.airlock.secrets.broker.OutboundRequest;
import dev.airlock.secrets.broker.RequestBody;
import dev.airlock.secrets.broker.SecretBroker;
import dev.airlock.secrets.broker.SubstitutionResult;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
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
import java.util.concurrent.CompletableFuture;

/**
 * Client-side handler of an inspected flow: every request is checked, decided by policy,
 * audited and only then sent upstream; its response is streamed back. Bodies are never
 * buffered whole: content flows through with backpressure in both directions.
 *
 * <p>One instance serves an HTTP/1.1 connection (requests one after another) or one HTTP/2
 * stream (a single request). All methods run on the flow's event loop.
 */
public final class ExchangeHandler extends ChannelInboundHandlerAdapter {
    private enum State { IDLE, COLLECTING, DECIDING, FORWARDING, DRAINING, AWAIT_RESPONSE, CLOSED }

    /** Bytes of a denied request's body that are read and dropped before the connection is closed instead. */
    private static final int MAX_DRAIN_BYTES = 1 << 20;

    private final Flow flow;
    private final String scheme;
    private final String protocol;
    private final UpstreamHttp upstream;
    private final boolean oneRequest;
    private final ArrayDeque<HttpObject> pending = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    /** The HTTP/1.1 response encoder toward the client, told the method of each request; null for HTTP/2 and proxy requests. */
    private ClientResponseEncoder encoder;
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
        this.encoder = ctx.pipeline().get(ClientResponseEncoder.class);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof LastHttpContent last && current != null && current.endMarkerExpected) {
            current.endMarkerExpected = false;
            if (!last.content().isReadable() && last.trailingHeaders().isEmpty()) {
                // The decoder's end of a request without a body, which begin() already took as
                // complete: dropping it here keeps the client readable while the request is decided.
                last.release();
                return;
            }
        }
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
                case COLLECTING -> collect((HttpContent) pending.poll());
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

    /**
     * While a request is decided or its response awaited, the client is normally silent, so
     * reading stays on and costs nothing; only a client that sends more meanwhile (pipelining,
     * a body during the decision) is paused, once its next objects are queued. Toggling on
     * every request would cost two epoll_ctl calls each time.
     */
    private void updateAutoRead() {
        boolean read = switch (state) {
            case IDLE, DRAINING, COLLECTING -> true;
            case FORWARDING -> current.upstream == null || current.upstream.isWritable();
            case DECIDING, AWAIT_RESPONSE -> pending.isEmpty();
            case CLOSED -> false;
        };
        ctx.channel().config().setAutoRead(read);
    }

    // ---- request side ----

    private void begin(HttpRequest r) {
        if (encoder != null) encoder.answering(r.method());
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
        e.secrets = flow.gateway().secrets() == null ? null : flow.gateway().secrets().current();
        // An HTTP/1.1 request without a body is complete with its head; the decoder's empty
        // LastHttpContent that follows is dropped on arrival (channelRead).
        e.endMarkerExpected = !(r instanceof LastHttpContent) && "HTTP/1.1".equals(protocol) && !hasBody(r);
        e.requestComplete = r instanceof LastHttpContent || e.endMarkerExpected;
        current = e;
        if (!e.requestComplete && hasBody(r)) {
            e.body = ctx.alloc().compositeBuffer(Integer.MAX_VALUE);
            state = State.COLLECTING;
        } else {
            decide(e);
        }
    }

    /** HTTP/2 requests without END_STREAM and HTTP/1.1 requests with a length or chunked body have one. */
    private boolean hasBody(HttpRequest r) {
        if ("HTTP/2".equals(protocol)) return true;
        return HttpUtil.isTransferEncodingChunked(r) || HttpUtil.getContentLength(r, 0L) > 0;
    }

    /**
     * Reads the body before the decision, up to the broker's cap, so placeholders in it can be
     * found (and replaced where allowed). A larger body is decided on what was read and then
     * streams through a placeholder scanner.
     */
    private void collect(HttpContent c) {
        Exchange e = current;
        e.bytesUp += c.content().readableBytes();
        e.body.addComponent(true, c.content().retain());
        boolean last = c instanceof LastHttpContent;
        if (last) e.trailers = ((LastHttpContent) c).trailingHeaders().copy();
        c.release();
        if (last) {
            e.requestComplete = true;
            decide(e);
        } else if (e.body.readableBytes() > SecretBroker.MAX_BODY_BYTES) {
            decide(e);
        }
    }

    private void decide(Exchange e) {
        state = State.DECIDING;
        HttpRequest r = e.request;
        OutboundRequest outbound = outbound(e);
        Inspection inspection = e.secrets == null ? null : e.secrets.broker().inspect(outbound);
        QueryStringDecoder qs = new QueryStringDecoder(inspection == null ? e.path : originForm(inspection.view().path(), inspection.view().rawQuery()));
        PolicyInput.Request req = new PolicyInput.Request(r.method().name(), scheme, qs.path(), qs.parameters(),
                inspection == null ? policyHeaders(r) : policyHeaders(inspection.view().headers()), protocol);
        List<String> present = inspection == null ? List.of() : inspection.secrets();
        e.input = PolicyInput.request(flow.source(), flow.destination(), flow.sni(), req, present);
        flow.gateway().decider()
                .decide(e.input)
                .whenCompleteAsync((decision, error) -> {
                    if (state == State.CLOSED) return;
                    Decision d = decision != null ? decision
                            : Decision.deny("policy error: " + error, dev.airlock.gateway.flow.DecisionIds.next(),
                                    flow.connectDecision().policyRevision());
                    e.decision = d;
                    if (!d.allow()) {
                        deny(e, d.reason());
                        return;
                    }
                    if (e.secrets != null) {
                        switch (e.secrets.broker().substitute(outbound, inspection, d.secrets())) {
                            case SubstitutionResult.Blocked b -> {
                                e.leaks = b.leaks().stream().map(LeakFinding::secret).distinct().toList();
                                deny(e, "secret placeholder blocked: " + b.leaks().getFirst().describe());
                                return;
                            }
                            case SubstitutionResult.Rewritten w -> {
                                apply(e, w.request());
                                e.secretsInjected = w.injected();
                            }
                        }
                        if (!e.requestComplete) e.bodyScanner = e.secrets.broker().newBodyScanner();
                        e.redactor = e.secrets.secrets().isEmpty() ? null : e.secrets.newRedactor();
                    }
                    // Not awaited here: the record's flush to disk overlaps the upstream round
                    // trip, and the response waits for it (onResponse).
                    e.decisionRecorded = recordDecision(e, true, d.reason());
                    allow(e);
                }, ctx.executor());
    }

    /** The request as the secrets broker reads it. */
    private OutboundRequest outbound(Exchange e) {
        HttpRequest r = e.request;
        List<HttpHeader> headers = new ArrayList<>();
        for (Map.Entry<String, String> h : r.headers()) headers.add(new HttpHeader(h.getKey(), h.getValue()));
        int q = e.path.indexOf('?');
        RequestBody body = e.body == null ? RequestBody.NONE
                : e.requestComplete ? new RequestBody.Buffered(ByteBufUtil.getBytes(e.body))
                : new RequestBody.Streamed(HttpUtil.getContentLength(r, -1L));
        return new OutboundRequest(scheme, flow.destination().host(), flow.destination().port(), r.method().name(),
                q < 0 ? e.path : e.path.substring(0, q), q < 0 ? null : e.path.substring(q + 1), headers, body);
    }

    /** Puts the broker's rewritten request (secrets injected) into the request that goes upstream. */
    private void apply(Exchange e, OutboundRequest rewritten) {
        HttpRequest r = e.request;
        r.setUri(originForm(rewritten.path(), rewritten.rawQuery()));
        r.headers().clear();
        for (HttpHeader h : rewritten.headers()) r.headers().add(h.name(), h.value());
        if (rewritten.body() instanceof RequestBody.Buffered b && e.body != null) {
            e.body.release();
            e.body = ctx.alloc().compositeBuffer().addComponent(true, Unpooled.wrappedBuffer(b.bytes()));
        }
        // Redaction cannot see inside compressed responses, so ask for identity encoding.
        if (e.secrets != null && !e.secrets.secrets().isEmpty()) r.headers().remove(HttpHeaderNames.ACCEPT_ENCODING);
    }

    private static String originForm(String path, String rawQuery) {
        return rawQuery == null ? path : path + "?" + rawQuery;
    }

    /** Header names in lower case, values in order; the proxy credential never reaches policy. */
    private static Map<String, List<String>> policyHeaders(HttpRequest r) {
        List<HttpHeader> list = new ArrayList<>();
        for (Map.Entry<String, String> h : r.headers()) list.add(new HttpHeader(h.getKey(), h.getValue()));
        return policyHeaders(list);
    }

    private static Map<String, List<String>> policyHeaders(List<HttpHeader> headers) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (HttpHeader h : headers) {
            String name = h.name().toLowerCase(Locale.ROOT);
            if (name.equals("proxy-authorization")) continue;
            out.computeIfAbsent(name, k -> new ArrayList<>()).add(h.value());
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
                recordOutcome(e, true, "upstream unavailable: " + error.getMessage())
                        .whenCompleteAsync((s, x) -> respondAndMaybeClose(e, Responses.json(ctx.alloc(),
                                HttpResponseStatus.BAD_GATEWAY, "upstream_unavailable", error.getMessage(), e.decision.decisionId()), true),
                                ctx.executor());
                return;
            }
            e.upstream = ch;
            if (e.body != null) {
                // The head and the body read so far go out as separate objects: a FullHttpRequest
                // from HTTP/2 must not carry its content twice.
                HttpRequest head = new io.netty.handler.codec.http.DefaultHttpRequest(r.protocolVersion(), r.method(), r.uri(), r.headers());
                if (r instanceof LastHttpContent full) full.release();
                ch.write(head);
                CompositeByteBuf body = e.body;
                e.body = null;
                if (e.bodyScanner != null && !e.bodyScanner.update(ByteBufUtil.getBytes(body)).isEmpty()) {
                    body.release();
                    leakInStream(e);
                    return;
                }
                if (e.requestComplete) {
                    LastHttpContent last = new io.netty.handler.codec.http.DefaultLastHttpContent(body);
                    if (e.trailers != null) last.trailingHeaders().set(e.trailers);
                    ch.writeAndFlush(last);
                } else {
                    ch.write(new io.netty.handler.codec.http.DefaultHttpContent(body));
                }
            } else {
                ch.write(r);
                // A head taken as complete without its end marker: the upstream's encoder needs one.
                if (e.requestComplete && !(r instanceof LastHttpContent)) ch.write(LastHttpContent.EMPTY_LAST_CONTENT);
            }
            if (e.requestComplete) {
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
        if (e.bodyScanner != null && !e.bodyScanner.update(ByteBufUtil.getBytes(c.content())).isEmpty()) {
            c.release();
            leakInStream(e);
            return;
        }
        e.upstream.write(c);
        if (c instanceof LastHttpContent) {
            e.requestComplete = true;
            e.upstream.flush();
            state = State.AWAIT_RESPONSE;
        } else if (!e.upstream.isWritable()) {
            e.upstream.flush();
        }
    }

    private void deny(Exchange e, String why) {
        e.status = 403;
        if (e.body != null) {
            e.body.release();
            e.body = null;
        }
        recordDecision(e, false, why).whenCompleteAsync((seq, error) -> {
            if (state == State.CLOSED) return;
            String reason = error == null ? why : "audit log unavailable: " + error.getMessage();
            respondAndMaybeClose(e, Responses.denied(ctx.alloc(), reason, e.decision.decisionId()), error != null);
        }, ctx.executor());
    }

    /**
     * A placeholder turned up in a body too large to hold: the upstream request is cut off
     * before its end (so the destination never sees a complete request), the client gets 403.
     */
    private void leakInStream(Exchange e) {
        e.leaks = List.copyOf(e.bodyScanner.found());
        e.upstream.close();
        e.status = 403;
        String reason = "secret placeholder for " + String.join(", ", e.leaks) + " found in a streamed request body, where it is never replaced";
        state = State.CLOSED;
        releasePending();
        // The request was allowed and recorded as such; its outcome says the gateway cut it off.
        recordOutcome(e, false, reason).whenCompleteAsync((s, x) -> {
            FullHttpResponse resp = Responses.denied(ctx.alloc(), reason, e.decision.decisionId());
            resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
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
        recordDecision(e, false, reason).whenCompleteAsync((s, x) -> {
            FullHttpResponse resp = Responses.json(ctx.alloc(), status, error, reason, e.decision.decisionId());
            resp.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
        }, ctx.executor());
    }

    // ---- response side (called through Exchange, on the same event loop) ----

    /**
     * Response bytes held while the decision's record is forced before reading from the
     * upstream pauses: a small response is held whole without the two epoll_ctl calls that
     * pausing and resuming cost, a large one cannot fill memory.
     */
    private static final int MAX_HELD_BYTES = 64 * 1024;

    private final ArrayDeque<HttpObject> heldResponse = new ArrayDeque<>();
    private boolean auditPending;
    private long heldBytes;

    void onResponse(Exchange e, HttpObject o) {
        if (e != current || state == State.CLOSED) {
            ReferenceCountUtil.release(o);
            return;
        }
        if (auditPending) {
            heldResponse.add(o);
            if (o instanceof HttpContent c) heldBytes += c.content().readableBytes();
            if (heldBytes > MAX_HELD_BYTES) e.upstream.config().setAutoRead(false);
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
            CompletableFuture<Long> recorded = e.decisionRecorded;
            if (recorded.isDone() && !recorded.isCompletedExceptionally()) {
                relayToClient(e, o);
                return;
            }
            // The decision's record is not on disk yet (or cannot be written): hold the response.
            auditPending = true;
            heldBytes = 0;
            recorded.whenCompleteAsync((seq, error) -> {
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
                // What arrived while the record was being forced goes out in one flush.
                relayToClient(e, o);
                while (!heldResponse.isEmpty() && state != State.CLOSED) {
                    relayToClient(e, heldResponse.poll());
                }
                if (state != State.CLOSED && current == e) {
                    ctx.flush();
                    if (e.upstreamClosedWhileHeld) {
                        onUpstreamClosed(e); // it closed before the end of the response
                    } else {
                        e.upstream.config().setAutoRead(ctx.channel().isWritable());
                    }
                }
            }, ctx.executor());
            return;
        }
        relayToClient(e, o);
    }

    /**
     * Writes one object of the response to the client. Only the end of the response, an
     * upgrade, or a full outbound buffer flushes here; otherwise the flush comes when the
     * upstream's read completes ({@link #onUpstreamReadComplete}), so a response that arrived
     * in one read (head and body) leaves in one TLS record and one write.
     */
    private void relayToClient(Exchange e, HttpObject o) {
        if (e.redactor != null) o = redact(e, o);
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
            }
        }
    }

    /**
     * Overwrites real secret bytes in the response (headers and body, same length, across
     * chunk boundaries) before the client sees them.
     */
    private static HttpObject redact(Exchange e, HttpObject o) {
        if (o instanceof HttpResponse resp) {
            var patterns = e.secrets.redaction();
            for (Map.Entry<String, String> h : resp.headers()) {
                byte[] v = h.getValue().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
                byte[] r = patterns.redact(v);
                if (!java.util.Arrays.equals(v, r)) h.setValue(new String(r, java.nio.charset.StandardCharsets.ISO_8859_1));
            }
        }
        if (o instanceof HttpContent c) {
            byte[] out = e.redactor.update(ByteBufUtil.getBytes(c.content()));
            if (c instanceof LastHttpContent last) {
                byte[] tail = e.redactor.finish();
                byte[] all = java.util.Arrays.copyOf(out, out.length + tail.length);
                System.arraycopy(tail, 0, all, out.length, tail.length);
                LastHttpContent copy = new io.netty.handler.codec.http.DefaultLastHttpContent(Unpooled.wrappedBuffer(all));
                copy.trailingHeaders().set(last.trailingHeaders());
                c.release();
                return o instanceof HttpResponse ? mergeFull((HttpResponse) o, copy) : copy;
            }
            c.release();
            return new io.netty.handler.codec.http.DefaultHttpContent(Unpooled.wrappedBuffer(out));
        }
        return o;
    }

    private static HttpObject mergeFull(HttpResponse head, LastHttpContent body) {
        var full = new io.netty.handler.codec.http.DefaultFullHttpResponse(head.protocolVersion(), head.status(), body.content(),
                head.headers(), body.trailingHeaders());
        return full;
    }

    /** After a 101 (WebSocket or other upgrade the policy allowed), both sides become a byte relay. */
    private void switchToRelay(Exchange e) {
        recordOutcome(e, true, "upgraded to " + e.request.headers().get(HttpHeaderNames.UPGRADE, "another protocol")
                + "; relayed as bytes from here on");
        state = State.CLOSED;
        releasePending();
        Channel up = e.upstream;
        HttpPipelines.toRawRelay(ctx.channel(), up);
    }

    private void finish(Exchange e) {
        recordOutcome(e, true, "completed");
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

    void onUpstreamReadComplete(Exchange e) {
        if (e == current && state != State.CLOSED && e.responseStarted && !auditPending) ctx.flush();
    }

    void onUpstreamWritabilityChanged(Exchange e) {
        if (e == current) updateAutoRead();
    }

    void onUpstreamClosed(Exchange e) {
        if (e != current || state == State.CLOSED) return;
        if (auditPending) {
            // Its response may be complete in the held objects (an HTTP/2 stream closes right
            // after its last frame): decide once they have been relayed.
            e.upstreamClosedWhileHeld = true;
            return;
        }
        if (e.responseStarted) {
            recordOutcome(e, true, "upstream closed the connection before the response ended");
            closeClient(); // the response was cut short; the client must see it incomplete, not complete
        } else {
            onUpstreamError(e, new java.io.IOException("upstream closed the connection before responding"));
        }
    }

    void onUpstreamError(Exchange e, Throwable cause) {
        if (e != current || state == State.CLOSED) return;
        String reason = "upstream error: " + cause.getMessage();
        if (e.responseStarted) {
            recordOutcome(e, true, reason + " (the response was cut short)");
            closeClient();
            return;
        }
        e.status = 502;
        recordOutcome(e, true, reason).whenCompleteAsync((s, x) -> respondAndMaybeClose(e,
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
        if (current != null) {
            if (current.decisionRecorded != null) recordOutcome(current, true, "the client closed the connection before the response ended");
            if (current.upstream != null) current.upstream.close();
            if (current.body != null) current.body.release();
        }
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

    /**
     * The decision's record. For a denial or refusal it tells the whole story (the response is
     * airlock's own and waits for it); for an allowed request the outcome record follows.
     */
    private CompletableFuture<Long> recordDecision(Exchange e, boolean allow, String reason) {
        return flow.gateway().audit().append(record(e, allow, reason).input(e.input).build());
    }

    /** How an allowed exchange ended: status, bytes each way, duration. Written once per exchange. */
    private CompletableFuture<Long> recordOutcome(Exchange e, boolean allow, String reason) {
        if (e.outcomeRecorded) return CompletableFuture.completedFuture(0L);
        e.outcomeRecorded = true;
        return flow.gateway().audit().append(record(e, allow, reason).outcome().build());
    }

    private AuditRecord.Builder record(Exchange e, boolean allow, String reason) {
        var d = flow.destination();
        return AuditRecord.builder()
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
                .leak(e.leaks);
    }
}
