package dev.airlock.gateway.http;

import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequestDecoder;

/**
 * Netty's request decoder, except that a request carrying both {@code Transfer-Encoding:
 * chunked} and {@code Content-Length} is rejected (decoder failure → 400) instead of having
 * its Content-Length silently dropped: a gateway must not pick one reading of an ambiguous
 * message when the server behind it might pick the other.
 */
public final class StrictRequestDecoder extends HttpRequestDecoder {
    public StrictRequestDecoder(HttpDecoderConfig config) {
        super(config);
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
        throw new IllegalArgumentException("request has both Content-Length and Transfer-Encoding (request smuggling)");
    }
}
