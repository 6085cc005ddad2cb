package dev.airlock.gateway.proxy;

import dev.airlock.gateway.flow.GatewayContext;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import dev.airlock.gateway.http.StrictRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/** The explicit proxy listener ({@code HTTPS_PROXY=http://host:port}). */
public final class ProxyServer implements AutoCloseable {
    private final Channel listener;

    private ProxyServer(Channel listener) {
        this.listener = listener;
    }

    public static ProxyServer start(InetSocketAddress listen, GatewayContext gateway, AgentDirectory agents, EventLoopGroup group)
            throws InterruptedException {
        var limits = gateway.limits();
        Channel ch = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                        c.pipeline().addLast("idle", new IdleStateHandler(0, 0, limits.idleTimeoutMillis(), TimeUnit.MILLISECONDS));
                        c.pipeline().addLast("idle-close", new IdleCloser(limits.headerTimeoutMillis()));
                        c.pipeline().addLast("http-decoder", new StrictRequestDecoder(new HttpDecoderConfig()
                                .setMaxInitialLineLength(limits.maxInitialLineBytes())
                                .setMaxHeaderSize(limits.maxHeaderBytes())));
                        c.pipeline().addLast("http-encoder", new HttpResponseEncoder());
                        c.pipeline().addLast("front", new ProxyFrontHandler(gateway, agents));
                    }
                })
                .bind(listen)
                .sync()
                .channel();
        return new ProxyServer(ch);
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) listener.localAddress();
    }

    @Override
    public void close() {
        listener.close().syncUninterruptibly();
    }
}
