package dev.airlock.gateway.upstream;

import dev.airlock.gateway.flow.Destination;
import dev.airlock.gateway.net.Cidr;
import dev.airlock.gateway.net.DestinationGuard;
import dev.airlock.gateway.net.HostLiteral;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Opens the upstream TCP connection of an allowed flow: resolves the name once, checks every
 * answer with {@link DestinationGuard}, and dials exactly the address that passed.
 *
 * <p>A name with any refused answer is refused as a whole: mixing a public and a private
 * address in one answer is the shape of a DNS-rebinding attack, and which one a client would
 * have used is unknowable.
 */
public final class UpstreamDialer {
    /**
     * The largest single read from an upstream socket (Netty's default is 64 KiB). Each read of
     * a loopback or LAN socket costs a system call and usually a window update whose processing
     * runs in the reading thread; relaying a bulk download into a sandbox, reads of up to 256
     * KiB (a sandbox flow channel's write high-water mark) took about a third less CPU per byte
     * than 64 KiB ones (docs/benchmarks.md). Reads shrink again when less arrives.
     */
    private static final int MAX_READ = 256 * 1024;

    private final Resolver resolver;
    private final int connectTimeoutMillis;

    public UpstreamDialer(Resolver resolver, int connectTimeoutMillis) {
        this.resolver = resolver;
        this.connectTimeoutMillis = connectTimeoutMillis;
    }

    /** The resolver flows use; the sandbox DNS responder answers from the same one (same {@code --resolve} answers). */
    public Resolver resolver() {
        return resolver;
    }

    /** Resolves (unless the host is an IP literal or the address is already known) and guards. */
    public CompletableFuture<Destination> resolveAndCheck(Destination d, List<Cidr> allowCidrs) {
        if (d.address() != null) return check(d, List.of(d.address()), allowCidrs);
        if (HostLiteral.parse(d.host()) instanceof HostLiteral.Ip ip) {
            return check(d, List.of(ip.address()), allowCidrs);
        }
        return resolver.resolve(d.host())
                .handle((addresses, error) -> {
                    if (error != null) {
                        return CompletableFuture.<Destination>failedFuture(new DialFailure("cannot resolve " + d.host(), false));
                    }
                    return check(d, addresses, allowCidrs);
                })
                .thenCompose(f -> f);
    }

    private static CompletableFuture<Destination> check(Destination d, List<InetAddress> addresses, List<Cidr> allowCidrs) {
        if (addresses.isEmpty()) return CompletableFuture.failedFuture(new DialFailure("no address for " + d.host(), false));
        for (InetAddress a : addresses) {
            DestinationGuard.Refusal r = DestinationGuard.check(a, allowCidrs);
            if (r != null) {
                String via = HostLiteral.parse(d.host()) instanceof HostLiteral.Ip ? "" : " (" + d.host() + " resolves to it)";
                return CompletableFuture.failedFuture(new DialFailure(r.reason() + via, true));
            }
        }
        return CompletableFuture.completedFuture(d.withAddress(addresses.getFirst()));
    }

    /** Connects to {@code d.address()} on the given event loop; the handler is the upstream channel's first handler. */
    public CompletableFuture<Channel> connect(Destination d, EventLoop loop, ChannelHandler initializer) {
        CompletableFuture<Channel> result = new CompletableFuture<>();
        new Bootstrap()
                .group(loop)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.AUTO_READ, false)
                .option(ChannelOption.RCVBUF_ALLOCATOR, new AdaptiveRecvByteBufAllocator(64, 2048, MAX_READ))
                .handler(initializer)
                .connect(new InetSocketAddress(d.address(), d.port()))
                .addListener(f -> {
                    if (f.isSuccess()) {
                        result.complete(((io.netty.channel.ChannelFuture) f).channel());
                    } else {
                        result.completeExceptionally(new DialFailure("cannot connect to " + d.authority()
                                + " (" + HostLiteral.format(d.address()) + "): " + f.cause().getMessage(), false));
                    }
                });
        return result;
    }
}
