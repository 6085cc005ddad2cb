package dev.airlock.policy.rest;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Turns each aggregated HTTP request into an {@link ApiRequest}, runs {@link OpaApi} off the
 * event loop (evaluation may take up to the engine's time budget), and writes the answer.
 */
final class OpaHttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final OpaApi api;
    private final ExecutorService workers;
    /** Completes when this connection's last request has been answered; touched only on the event loop. */
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);

    OpaHttpHandler(OpaApi api, ExecutorService workers) {
        this.api = api;
        this.workers = workers;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
        boolean keepAlive = HttpUtil.isKeepAlive(msg);
        if (msg.decoderResult().isFailure()) {
            String why = msg.decoderResult().cause() == null ? "malformed HTTP request" : msg.decoderResult().cause().getMessage();
            write(ctx, new ApiResponse(400, new OpaErrorBody(OpaErrorBody.INVALID_PARAMETER, "bad HTTP request: " + why)
                    .toValue().toString()), false);
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(msg.uri(), StandardCharsets.UTF_8);
        ApiRequest req = new ApiRequest(msg.method().name(), uri.rawPath(), uri.parameters(), ByteBufUtil.getBytes(msg.content()));
        // Chained, not just submitted: a client that pipelines requests must get the answers in
        // request order (HTTP/1.1), so each request of this connection waits for the one before.
        // The worker also waits for the answer to be written: close() waits for the workers and
        // then stops the event loops, which close their channels before running queued writes.
        tail = tail.thenRunAsync(() -> write(ctx, api.handle(req), keepAlive).awaitUninterruptibly(WRITE_WAIT_SECONDS, TimeUnit.SECONDS),
                        workers)
                .exceptionally(e -> {
                    Throwable cause = e instanceof java.util.concurrent.CompletionException c && c.getCause() != null ? c.getCause() : e;
                    String why = cause instanceof RejectedExecutionException ? "server is shutting down" : String.valueOf(cause.getMessage());
                    write(ctx, new ApiResponse(503, new OpaErrorBody(OpaErrorBody.INTERNAL, why).toValue().toString()), false);
                    return null;
                });
    }

    private static final long WRITE_WAIT_SECONDS = 2;

    private static io.netty.channel.ChannelFuture write(ChannelHandlerContext ctx, ApiResponse r, boolean keepAlive) {
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(r.status()),
                Unpooled.copiedBuffer(r.json(), StandardCharsets.UTF_8));
        res.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        HttpUtil.setContentLength(res, res.content().readableBytes());
        HttpUtil.setKeepAlive(res, keepAlive);
        var f = ctx.writeAndFlush(res);
        if (!keepAlive) f.addListener(ChannelFutureListener.CLOSE);
        return f;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A broken connection ends that connection only.
        ctx.close();
    }
}
