package dev.airlock.netstack.dns;

import dev.airlock.netstack.Counter;
import dev.airlock.netstack.NetStack;
import dev.airlock.netstack.NetstackCounters;
import dev.airlock.netstack.flow.FlowHandler;
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
import java.util.function.Consumer;

/**
 * The DNS responder on the gateway address, port 53, over UDP and TCP (RFC 1035 4.2, RFC 7766).
 * Every well-formed query — whichever transport carried it — goes to the one
 * {@link DnsAnswerer} (the gateway: policy, then resolution), and addresses it answers with are
 * remembered in {@link ResolvedNames}. UDP answers are capped at 512 bytes with TC set when
 * addresses were left out, so resolvers retry over TCP, where {@link DnsTcpSession} frames
 * messages with their two-byte length. Malformed messages are dropped and counted — a responder
 * must never answer garbage or responses — and nothing here throws into the stack.
 */
public final class DnsServer implements UdpListener {
    public static final int PORT = 53;
    /** Longest wait for the answerer before the guest gets SERVFAIL. */
    public static final long ANSWER_TIMEOUT_MILLIS = 5_000;
    /** Queries waiting for an answer at once, both transports together; more are dropped (the guest retries). */
    public static final int MAX_PENDING = 1024;
    /** DNS-over-TCP connections open at once; more are refused with an RST. */
    public static final int MAX_TCP_CONNECTIONS = 64;
    private static final System.Logger LOG = System.getLogger(DnsServer.class.getName());

    private final UdpLayer udp;
    private final NetstackCounters counters;
    private final EventExecutor loop;
    private final DnsAnswerer answerer;
    private final ResolvedNames names;
    private int pending;
    private int tcpConnections;

    private DnsServer(UdpLayer udp, NetstackCounters counters, EventExecutor loop, DnsAnswerer answerer, ResolvedNames names) {
        this.udp = udp;
        this.counters = counters;
        this.loop = loop;
        this.answerer = answerer;
        this.names = names;
    }

    /** Binds port 53 of {@code stack}'s gateway address, UDP and TCP. */
    public static DnsServer bind(NetStack stack, DnsAnswerer answerer, ResolvedNames names) {
        DnsServer server = new DnsServer(stack.udp(), stack.counters(), stack.loop(), answerer, names);
        stack.call(() -> {
            stack.udp().bind(PORT, server);
            stack.tcp().bindLocal(PORT, server::newTcpSession);
            return null;
        });
        return server;
    }

    @Override
    public void onDatagram(int srcIp, int srcPort, int dstIp, int dstPort, ByteBuf payload) {
        try {
            query(payload, srcIp, DnsResponse.MAX_UDP, response -> {
                if (response != null) {
                    udp.send(PORT, srcIp, srcPort, response);
                }
            });
        } finally {
            payload.release();
        }
    }

    private FlowHandler newTcpSession() {
        if (tcpConnections >= MAX_TCP_CONNECTIONS) {
            counters.inc(Counter.DNS_TCP_REFUSED);
            return null;
        }
        tcpConnections++;
        counters.inc(Counter.DNS_TCP_CONNECTIONS);
        return new DnsTcpSession(this, counters);
    }

    void tcpSessionClosed() {
        tcpConnections--;
    }

    EventExecutor loop() {
        return loop;
    }

    /**
     * Parses one message from {@code guestIp} and, when it is a query, answers it through
     * {@code reply}, exactly once, on the stack thread: with a response of at most
     * {@code maxLength} bytes (the reply owns the buffer), or with null when the query was
     * dropped because too many are pending.
     *
     * @return false when the message is malformed (counted; no reply will come)
     */
    boolean query(ByteBuf message, int guestIp, int maxLength, Consumer<ByteBuf> reply) {
        switch (DnsQuery.parse(message)) {
            case Parsed.Bad<DnsQuery>(Counter why) -> {
                counters.inc(why);
                return false;
            }
            case Parsed.Ok<DnsQuery>(DnsQuery q) -> {
                query(q, guestIp, maxLength, reply);
                return true;
            }
        }
    }

    /** Queries of this stack waiting for an answer. */
    int pending() {
        return pending;
    }

    private void query(DnsQuery q, int guestIp, int maxLength, Consumer<ByteBuf> reply) {
        counters.inc(Counter.DNS_QUERIES);
        if (q.opcode() != 0 || q.qclass() != DnsQuery.CLASS_IN) {
            reply(q, DnsResponse.NOTIMP, List.of(), 0, maxLength, reply);
            return;
        }
        if (pending >= MAX_PENDING) {
            counters.inc(Counter.DNS_OVERLOADED);
            reply.accept(null);
            return;
        }
        pending++;
        CompletableFuture<DnsAnswer> stage;
        try {
            stage = answerer.answer(q.name(), q.type(), Ip4.toInet(guestIp)).toCompletableFuture();
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        stage.orTimeout(ANSWER_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS).whenComplete((answer, error) -> {
            Runnable send = () -> {
                pending--;
                answered(q, error == null ? answer : null, error, maxLength, reply);
            };
            if (loop.inEventLoop()) {
                send.run();
            } else {
                loop.execute(send);
            }
        });
    }

    private void answered(DnsQuery q, DnsAnswer answer, Throwable error, int maxLength, Consumer<ByteBuf> reply) {
        switch (answer) {
            case DnsAnswer.Addresses a -> {
                long now = System.nanoTime() / 1_000_000;
                for (Inet4Address address : a.addresses()) {
                    names.remember(q.name(), address, a.ttlSeconds(), now);
                }
                reply(q, DnsResponse.NOERROR, a.addresses(), ResolvedNames.clampTtl(a.ttlSeconds()), maxLength, reply);
            }
            case DnsAnswer.NameError n -> reply(q, DnsResponse.NXDOMAIN, List.of(), 0, maxLength, reply);
            case DnsAnswer.ServerFailure f -> reply(q, DnsResponse.SERVFAIL, List.of(), 0, maxLength, reply);
            case null -> {
                if (error != null) {
                    LOG.log(Level.DEBUG, "DNS answer for " + q.name() + " failed", error);
                }
                reply(q, DnsResponse.SERVFAIL, List.of(), 0, maxLength, reply);
            }
        }
    }

    private void reply(DnsQuery q, int rcode, List<Inet4Address> addresses, int ttl, int maxLength, Consumer<ByteBuf> reply) {
        counters.inc(switch (rcode) {
            case DnsResponse.NOERROR -> Counter.DNS_ANSWERED;
            case DnsResponse.NXDOMAIN -> Counter.DNS_NXDOMAIN;
            case DnsResponse.NOTIMP -> Counter.DNS_NOTIMP;
            default -> Counter.DNS_SERVFAIL;
        });
        ByteBuf response = DnsResponse.encode(q, rcode, addresses, ttl, maxLength);
        if (DnsResponse.truncated(response)) {
            counters.inc(Counter.DNS_TRUNCATED);
        }
        reply.accept(response);
    }
}
