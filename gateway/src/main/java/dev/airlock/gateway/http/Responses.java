package dev.airlock.gateway.http;

import dev.airlock.policy.value.Json;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** The responses airlock itself writes to clients: JSON bodies an agent can read and act on. */
public final class Responses {
    private Responses() {}

    /** {@code {"error": error, "reason": reason, "decision_id": id}} with the given status. */
    public static FullHttpResponse json(ByteBufAllocator alloc, HttpResponseStatus status, String error, String reason, String decisionId) {
        StringBuilder sb = new StringBuilder("{\"error\":");
        Json.quote(sb, error);
        sb.append(",\"reason\":");
        Json.quote(sb, reason);
        if (decisionId != null) {
            sb.append(",\"decision_id\":");
            Json.quote(sb, decisionId);
        }
        sb.append("}\n");
        ByteBuf body = alloc.buffer();
        body.writeCharSequence(sb, StandardCharsets.UTF_8);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        r.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
        r.headers().set("x-airlock", error);
        return r;
    }

    public static FullHttpResponse denied(ByteBufAllocator alloc, String reason, String decisionId) {
        return json(alloc, HttpResponseStatus.FORBIDDEN, "denied", reason, decisionId);
    }
}
