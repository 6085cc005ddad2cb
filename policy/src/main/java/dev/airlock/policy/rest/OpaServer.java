package dev.airlock.policy.rest;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.compression.StandardCompressionOptions;
import io.netty.handler.codec.http.HttpContentCompressor;
import io.netty.handler.codec.http.HttpContentDecompressor;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * OPA-compatible REST server on Netty, serving an {@link OpaApi}. Requests are decoded and
 * aggregated on one event-loop thread and evaluated on virtual threads.
 */
public final class OpaServer implements AutoCloseable {
    /** Largest request body accepted (a policy or an input document); larger ones get 413. */
    public static final int MAX_BODY_BYTES = 8 << 20;
    /** Connections that send nothing for this long are closed, so idle clients hold no resources. */
    public static final int IDLE_SECONDS = 60;
    /** Responses at least this large are gzip-compressed when the client accepts it (as OPA does). */
    public static final int GZIP_MIN_BYTES = 1024;

    private final EventLoopGroup group;
    private final ExecutorService workers;
    private final Channel listener;
    /** Counted down when {@link #close()} has finished. */
    private final CountDownLatch closed = new CountDownLatch(1);

    private OpaServer(EventLoopGroup group, ExecutorService workers, Channel listener) {
        this.group = group;
        this.workers = workers;
        this.listener = listener;
    }

    /** Binds and starts serving; throws if the address cannot be bound (in use, not local). */
    public static OpaServer start(InetSocketAddress address, OpaApi api) throws InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
        try {
            Channel ch = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel c) {
                            c.pipeline().addLast("idle", new ReadTimeoutHandler(IDLE_SECONDS, TimeUnit.SECONDS));
                            c.pipeline().addLast("http", new HttpServerCodec(new HttpDecoderConfig()
                                    .setMaxInitialLineLength(16 * 1024)
                                    .setMaxHeaderSize(16 * 1024)));
                            c.pipeline().addLast("gunzip", new HttpContentDecompressor(MAX_BODY_BYTES));
                            c.pipeline().addLast("gzip", new HttpContentCompressor(GZIP_MIN_BYTES, StandardCompressionOptions.gzip()));
                            c.pipeline().addLast("keep-alive", new HttpServerKeepAliveHandler());
                            c.pipeline().addLast("aggregate", new HttpObjectAggregator(MAX_BODY_BYTES));
                            c.pipeline().addLast("api", new OpaHttpHandler(api, workers));
                        }
                    })
                    .bind(address)
                    .sync()
                    .channel();
            return new OpaServer(group, workers, ch);
        } catch (RuntimeException | InterruptedException e) {
            workers.shutdownNow();
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) listener.localAddress();
    }

    /**
     * Blocks until the server is closed: until {@link #close()}, called from another thread or a
     * shutdown hook, has finished, not merely stopped accepting. A caller that then closes the
     * server itself (as {@code policy serve} does on its way out) finds nothing left to do.
     */
    public void awaitClose() throws InterruptedException {
        closed.await();
    }

    /**
     * Stops accepting, lets requests in flight finish briefly, and releases every thread. Calls
     * are serialized and each returns only once the server is closed, so a second caller (the
     * command's own finally block, a shutdown hook, a test) neither closes terminated event
     * loops again nor returns while the first is still shutting them down.
     */
    @Override
    public synchronized void close() {
        if (closed.getCount() == 0) return;
        try {
            listener.close().syncUninterruptibly();
            workers.shutdown();
            try {
                if (!workers.awaitTermination(2, TimeUnit.SECONDS)) workers.shutdownNow();
            } catch (InterruptedException e) {
                workers.shutdownNow();
                Thread.currentThread().interrupt();
            }
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        } finally {
            closed.countDown();
        }
    }
}
