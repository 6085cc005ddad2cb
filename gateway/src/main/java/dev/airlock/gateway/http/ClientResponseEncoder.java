package dev.airlock.gateway.http;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;

/**
 * Encodes responses toward the client of an HTTP/1.1 flow. A response to HEAD has no body,
 * whatever its headers say (even {@code Transfer-Encoding: chunked}); Netty's
 * {@code HttpServerCodec} learns that from the request its own decoder saw, but here the
 * decoder is a separate handler, so the exchange says which method it is answering.
 */
final class ClientResponseEncoder extends HttpResponseEncoder {
    private boolean answeringHead;

    /** Called when an exchange begins; its responses (relayed or airlock's own) follow. */
    void answering(HttpMethod method) {
        answeringHead = HttpMethod.HEAD.equals(method);
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpResponse msg) {
        return answeringHead || super.isContentAlwaysEmpty(msg);
    }
}
