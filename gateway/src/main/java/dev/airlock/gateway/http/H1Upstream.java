package dev.airlock.gateway.http;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpClientCodec;
import java.util.concurrent.CompletableFuture;

/** The flow's single upstream HTTP/1.1 connection, used by one exchange at a time. */
final class H1Upstream implements UpstreamHttp {
    private final Channel channel;
    private final ResponseRelay relay = new ResponseRelay();

    H1Upstream(Channel upstream, Runnable onIdleClose) {
        this.channel = upstream;
        relay.onIdleClose(onIdleClose);
        upstream.pipeline().addLast("http", new HttpClientCodec(8192, 64 * 1024, 64 * 1024));
        upstream.pipeline().addLast("response", relay);
    }

    @Override
    public CompletableFuture<Channel> open(Exchange exchange) {
        if (!channel.isActive()) {
            return CompletableFuture.failedFuture(new java.io.IOException("upstream connection is closed"));
        }
        relay.bind(exchange);
        return CompletableFuture.completedFuture(channel);
    }

    @Override
    public void release(Channel ch, boolean reusable) {
        relay.bind(null);
        if (!reusable) ch.close();
    }
}
