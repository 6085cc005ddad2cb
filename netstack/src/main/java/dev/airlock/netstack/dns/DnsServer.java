package dev.airlock.netstack.dns;

import dev.airlock.netstack.Counter;
import dev.airlock.netstack.NetStack;
import dev.airlock.netstack.NetstackCounters;
import dev.airlock.netstack.packet.Ip4;
import dev.airlock.netstack.packet.Parsed;
import dev.airlock.netstack.udp.UdpLayer;
import dev.airlock.netstack.udp.UdpListener;
import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;
import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The DNS responder on the gateway address, UDP port 53. Every well-formed query goes to the
 * {@link DnsAnswerer} (the gateway: policy, then resolution); addresses it answers with are
 * remembered in {@link ResolvedNames}. Malformed messages are dropped and counted — a
 * responder must never answer garbage or responses — and nothing here throws into the stack.
 */
public final class DnsServer implements UdpListener {
    public static final int PORT = 53;
    /** Longest wait for the answerer before the guest gets SERVFAIL. */
    public static final long ANSWER_TIMEOUT_MILLIS = 5_000;
    /** Queries waiting for an answer at once; more are dropped (the guest retries). */
    public static final int MAX_PENDING = 1024;
    private static final System.Logger LOG = System.getLogger(DnsServer.class.getName());

    private final UdpLayer udp;
    private final NetstackCounters counters;
    private final EventExecutor loop;
    private final DnsAnswerer answerer;
    private final ResolvedNames names;
    private int pending;

    private DnsServer(UdpLayer udp, NetstackCounters counters, EventExecutor loop, DnsAnswerer answerer, ResolvedNames names) {
        this.udp = udp;
        this.counters = counters;
        this.loop = loop;
        this.answerer = answerer;
        this.names = names;
    }

    /** Binds port 53 of {@code stack}'s gateway address. */
    public static DnsServer bind(NetStack stack, DnsAnswerer answerer, ResolvedNames names) {
        DnsServer server = new DnsServer(stack.udp(), stack.counters(), stack.loop(), answerer, names);
        stack.call(() -> {
            stack.udp().bind(PORT, server);
            return null;
        });
        return server;
    }

    @Override
    public void onDatagram(int srcIp, int srcPort, int dstIp, int dstPort, ByteBuf payload) {
        try {
            switch (DnsQuery.parse(payload)) {
                case Parsed.Bad<DnsQuery>(Counter why) -> counters.inc(why);
                case Parsed.Ok<DnsQuery>(DnsQuery q) -> query(srcIp, srcPort, q);
            }
        } finally {
            payload.release();
        }
    }

    private void query(int srcIp, int srcPort, DnsQuery q) {
        counters.inc(Counter.DNS_QUERIES);
        if (q.opcode() != 0 || q.qclass() != DnsQuery.CLASS_IN) {
            reply(srcIp, srcPort, q, DnsResponse.NOTIMP, List.of(), 0);
            return;
        }
        if (pending >= MAX_PENDING) {
            counters.inc(Counter.DNS_OVERLOADED);
            return;
        }
        pending++;
        CompletableFuture<DnsAnswer> stage;
        try {
            stage = answerer.answer(q.name(), q.type(), Ip4.toInet(srcIp)).toCompletableFuture();
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        stage.orTimeout(ANSWER_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS).whenComplete((answer, error) -> {
            Runnable send = () -> {
                pending--;
                answered(srcIp, srcPort, q, error == null ? answer : null, error);
            };
            if (loop.inEventLoop()) {
                send.run();
            } else {
                loop.execute(send);
            }
        });
    }

    private void answered(int srcIp, int srcPort, DnsQuery q, DnsAnswer answer, Throwable error) {
        switch (answer) {
            case DnsAnswer.Addresses a -> {
                long now = System.nanoTime() / 1_000_000;
                for (Inet4Address address : a.addresses()) {
                    names.remember(q.name(), address, a.ttlSeconds(), now);
                }
                reply(srcIp, srcPort, q, DnsResponse.NOERROR, a.addresses(), ResolvedNames.clampTtl(a.ttlSeconds()));
            }
            case DnsAnswer.NameError n -> reply(srcIp, srcPort, q, DnsResponse.NXDOMAIN, List.of(), 0);
            case DnsAnswer.ServerFailure f -> reply(srcIp, srcPort, q, DnsResponse.SERVFAIL, List.of(), 0);
            case null -> {
                if (error != null) {
                    LOG.log(Level.DEBUG, "DNS answer for " + q.name() + " failed", error);
                }
                reply(srcIp, srcPort, q, DnsResponse.SERVFAIL, List.of(), 0);
            }
        }
    }

    private void reply(int dstIp, int dstPort, DnsQuery q, int rcode, List<Inet4Address> addresses, int ttl) {
        counters.inc(switch (rcode) {
            case DnsResponse.NOERROR -> Counter.DNS_ANSWERED;
            case DnsResponse.NXDOMAIN -> Counter.DNS_NXDOMAIN;
            case DnsResponse.NOTIMP -> Counter.DNS_NOTIMP;
            default -> Counter.DNS_SERVFAIL;
        });
        udp.send(PORT, dstIp, dstPort, DnsResponse.encode(q, rcode, addresses, ttl));
    }
}
