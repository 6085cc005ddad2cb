package dev.airlock.gateway;

import dev.airlock.gateway.audit.AuditLog;
import dev.airlock.gateway.decision.PolicyDecider;
import dev.airlock.gateway.flow.GatewayContext;
import dev.airlock.gateway.flow.GatewayLimits;
import dev.airlock.gateway.proxy.AgentDirectory;
import dev.airlock.gateway.proxy.ProxyServer;
import dev.airlock.gateway.tls.TlsContexts;
import dev.airlock.gateway.upstream.Resolver;
import dev.airlock.gateway.upstream.UpstreamDialer;
import dev.airlock.policy.PolicyEngine;
import dev.airlock.policy.ReloadingEngine;
import dev.airlock.policy.cache.DecisionCache;
import dev.airlock.secrets.ca.LocalCa;
import dev.airlock.secrets.store.ReloadResult;
import dev.airlock.secrets.store.SecretsStore;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One running enforcement pipeline: policy, secrets, CA, audit log and the Netty event loops,
 * assembled from {@link Options}. The proxy listener and sandbox flows both run on it. Policy
 * and secrets files are re-read when they change; a bad edit keeps the previous version in
 * force and is reported on {@code log}.
 */
public final class Gateway implements AutoCloseable {
    /**
     * @param engine           the policy engine (embedded over files, or OPA over REST)
     * @param engineBlocks     true for engines that block (REST): they are asked off the event loop
     * @param decisionPath     where the decision is, e.g. {@code airlock/egress/decision}
     * @param secretsFile      the secrets file, or null for none
     * @param staticHosts      {@code --resolve NAME=IP} answers
     */
    public record Options(PolicyEngine engine, boolean engineBlocks, String decisionPath, Path secretsFile, Path stateDir,
                          Path auditFile, Path caDir, List<Path> upstreamCas, Path agentsFile,
                          Map<String, List<InetAddress>> staticHosts, GatewayLimits limits) {}

    private final EventLoopGroup group;
    private final ExecutorService blocking;
    private final ScheduledExecutorService reloader;
    private final AuditLog audit;
    private final GatewayContext context;
    private final AgentDirectory agents;
    private final List<AutoCloseable> listeners = new ArrayList<>();
    private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

    private Gateway(EventLoopGroup group, ExecutorService blocking, ScheduledExecutorService reloader, AuditLog audit,
                    GatewayContext context, AgentDirectory agents) {
        this.group = group;
        this.blocking = blocking;
        this.reloader = reloader;
        this.audit = audit;
        this.context = context;
        this.agents = agents;
    }

    public static Gateway open(Options o, PrintStream log) throws Exception {
        SecretsStore secrets = o.secretsFile() == null ? null : SecretsStore.open(o.secretsFile(), o.stateDir());
        LocalCa ca = LocalCa.open(o.caDir());
        TlsContexts tls = new TlsContexts(ca, o.upstreamCas());
        AgentDirectory agents = o.agentsFile() == null ? AgentDirectory.open() : AgentDirectory.load(o.agentsFile());
        AuditLog audit = AuditLog.open(o.auditFile());
        ExecutorService blocking = Executors.newFixedThreadPool(8, Thread.ofPlatform().daemon().name("airlock-blocking-", 0).factory());
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(Runtime.getRuntime().availableProcessors(), NioIoHandler.newFactory());
        Executor policyExecutor = o.engineBlocks() ? blocking : null;
        GatewayContext ctx = new GatewayContext(new PolicyDecider(o.engine(), o.decisionPath(), policyExecutor),
                new UpstreamDialer(new Resolver(blocking, o.staticHosts()), o.limits().connectTimeoutMillis()),
                tls, audit, secrets, o.limits());
        ScheduledExecutorService reloader = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("airlock-reload").factory());
        reloader.scheduleWithFixedDelay(() -> reload(o.engine(), secrets, log), 1, 1, TimeUnit.SECONDS);
        return new Gateway(group, blocking, reloader, audit, ctx, agents);
    }

    private static void reload(PolicyEngine engine, SecretsStore secrets, PrintStream log) {
        PolicyEngine inner = engine instanceof DecisionCache cache ? cache.delegate() : engine;
        if (inner instanceof ReloadingEngine r) {
            String before = r.revision();
            String error = r.reloadIfChanged();
            if (error != null) {
                log.println("airlock: policy change rejected, revision " + before + " stays in force:\n" + error);
            } else if (!before.equals(r.revision())) {
                log.println("airlock: policy reloaded, revision " + r.revision());
            }
        }
        if (secrets != null) {
            switch (secrets.reloadIfChanged()) {
                case ReloadResult.Failed f -> log.println("airlock: secrets change rejected, previous secrets stay in force: " + f.error().getMessage());
                case ReloadResult.Reloaded r -> log.println("airlock: secrets reloaded");
                default -> { }
            }
        }
    }

    public GatewayContext context() {
        return context;
    }

    public EventLoopGroup group() {
        return group;
    }

    /** Starts the explicit proxy listener. */
    public ProxyServer listen(InetSocketAddress address) throws InterruptedException {
        ProxyServer p = ProxyServer.start(address, context, agents, group);
        listeners.add(p);
        return p;
    }

    /** Stops listeners and loops and closes the audit log; safe to call more than once. */
    @Override
    public void close() throws Exception {
        if (!closed.compareAndSet(false, true)) return;
        for (AutoCloseable l : listeners) l.close();
        reloader.shutdownNow();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        blocking.shutdownNow();
        audit.close();
    }
}
