package dev.airlock.gateway.http;

import io.netty.channel.Channel;
import java.util.concurrent.CompletableFuture;

/**
 * Where an exchange sends its request: the one upstream HTTP/1.1 connection of a flow (used
 * by one exchange at a time) or a new stream on its HTTP/2 connection.
 */
public interface UpstreamHttp {
    /**
     * A channel that takes {@code HttpObject}s toward the destination and delivers the
     * response's {@code HttpObject}s to {@code exchange}.
     */
    CompletableFuture<Channel> open(Exchange exchange);

    /** The exchange is over; an HTTP/1.1 connection becomes free for the next one. */
    void release(Channel channel, boolean reusable);
}
