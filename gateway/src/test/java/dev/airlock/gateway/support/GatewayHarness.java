package dev.airlock.gateway.support;

import dev.airlock.gateway.audit.AuditLog;
import dev.airlock.gateway.decision.EgressDecider;
import dev.airlock.gateway.flow.GatewayContext;
import dev.airlock.gateway.flow.GatewayLimits;
import dev.airlock.gateway.proxy.AgentDirectory;
import dev.airlock.gateway.proxy.ProxyServer;
import dev.airlock.gateway.tls.TlsContexts;
import dev.airlock.gateway.upstream.Resolver;
import dev.airlock.gateway.upstream.UpstreamDialer;
import dev.airlock.secrets.ca.LocalCa;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** A running gateway on loopback with its own CA and audit log, plus a TLS echo upstream. */
public final class GatewayHarness implements AutoCloseable {
    /** The defaults, except a 1 s request-head timeout so slow-client tests stay short. */
    public static final GatewayLimits LIMITS = new GatewayLimits(GatewayLimits.DEFAULTS.maxInitialLineBytes(),
            GatewayLimits.DEFAULTS.maxHeaderBytes(), 1_000, GatewayLimits.DEFAULTS.idleTimeoutMillis(),
            GatewayLimits.DEFAULTS.connectTimeoutMillis());

    public final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final ExecutorService resolverPool = Executors.newFixedThreadPool(2);
    public final TlsEchoServer upstream;
    public final LocalCa ca;
    public final AuditLog audit;
    public final ProxyServer proxy;
    public final Path auditFile;
    public final Path caPem;

    /** Names in {@code hostNames} resolve to 127.0.0.1 (as with {@code --resolve}). */
    public GatewayHarness(Path dir, EgressDecider decider, AgentDirectory agents, String... hostNames) throws Exception {
        this(dir, decider, agents, null, hostNames);
    }

    public GatewayHarness(Path dir, EgressDecider decider, AgentDirectory agents, dev.airlock.secrets.store.SecretsStore secrets,
                          String... hostNames) throws Exception {
        this(dir, decider, agents, secrets, AuditLog::open, hostNames);
    }

    /** Opens the harness's audit log (e.g. on a slow disk). */
    public interface AuditOpener {
        AuditLog open(Path file) throws java.io.IOException;
    }

    public GatewayHarness(Path dir, EgressDecider decider, AgentDirectory agents, dev.airlock.secrets.store.SecretsStore secrets,
                          AuditOpener auditOpener, String... hostNames) throws Exception {
        upstream = TlsEchoServer.start(group, dir.resolve("upstream-ca"), hostNames);
        ca = LocalCa.open(dir.resolve("airlock-ca"));
        caPem = ca.directory().certificateFile();
        auditFile = dir.resolve("audit.jsonl");
        audit = auditOpener.open(auditFile);
        var loopback = List.of(InetAddress.getByName("127.0.0.1"));
        Map<String, List<InetAddress>> hosts = new java.util.HashMap<>();
        for (String n : hostNames) hosts.put(n, loopback);
        hosts.put("private.test", List.of(InetAddress.getByName("10.1.2.3")));
        hosts.put("rebind.test", List.of(InetAddress.getByName("93.184.216.34"), InetAddress.getByName("127.0.0.1")));
        GatewayContext ctx = new GatewayContext(decider, new UpstreamDialer(new Resolver(resolverPool, hosts), 5000),
                new TlsContexts(ca, List.of(upstream.caPem())), audit, secrets, LIMITS);
        proxy = ProxyServer.start(new InetSocketAddress("127.0.0.1", 0), ctx, agents, group);
    }

    public String proxyUrl() {
        return "http://127.0.0.1:" + proxy.address().getPort();
    }

    public List<String> auditLines() throws Exception {
        return Files.readAllLines(auditFile);
    }

    /**
     * The audit lines once {@code count} of them match, waiting up to five seconds: outcome
     * records are written after the response the client already has, so a test that reads the
     * log right after its request must wait for them.
     */
    public List<String> awaitAuditLines(java.util.function.Predicate<String> match, int count) throws Exception {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        List<String> lines = auditLines();
        while (lines.stream().filter(match).count() < count && System.nanoTime() < deadline) {
            Thread.sleep(20);
            lines = auditLines();
        }
        return lines.stream().filter(match).toList();
    }

    @Override
    public void close() throws Exception {
        proxy.close();
        upstream.close();
        audit.close();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        resolverPool.shutdownNow();
    }
}
