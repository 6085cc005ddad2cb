package dev.airlock.netstack.tcp;

import dev.airlock.netstack.Counter;
import dev.airlock.netstack.Ipv4Output;
import dev.airlock.netstack.Ipv4Transport;
import dev.airlock.netstack.NetstackCounters;
import dev.airlock.netstack.StackContext;
import dev.airlock.netstack.flow.CloseReason;
import dev.airlock.netstack.flow.FlowAcceptor;
import dev.airlock.netstack.flow.FlowHandler;
import dev.airlock.netstack.flow.FlowId;
import dev.airlock.netstack.flow.FlowVerdict;
import dev.airlock.netstack.flow.Transport;
import dev.airlock.netstack.ipv4.Ipv4Layer;
import dev.airlock.netstack.packet.Checksum;
import dev.airlock.netstack.packet.IcmpMessage;
import dev.airlock.netstack.packet.Ip4;
import dev.airlock.netstack.packet.Ipv4Packet;
import dev.airlock.netstack.packet.Parsed;
import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * TCP demultiplexing and connection admission: finds the connection for a segment, starts a
 * decision for each new SYN (bounded by the SYN backlog and the table size), turns the
 * acceptor's verdict into a SYN-ACK, an RST or an ICMP error, and answers segments for no
 * connection with RSTs (RFC 9293 3.10.7.1).
 *
 * <p>Ports of the gateway address bound with {@link #bindLocal} are the stack's own services
 * (DNS over TCP): the stack terminates those connections itself and never offers them to the
 * {@link FlowAcceptor}, since nothing is dialed for them.
 */
public final class TcpLayer implements Ipv4Transport {
    private final StackContext ctx;
    private final NetstackCounters counters;
    private final TcpConfig cfg;
    private final Ipv4Layer ip;
    private final FlowAcceptor acceptor;
    private final int mtu;
    private final boolean partialChecksums;
    private final Map<ConnectionKey, TcpConnection> table = new HashMap<>();
    private final Map<Integer, Supplier<FlowHandler>> local = new HashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final IsnGenerator isn = new IsnGenerator(random);
    /** Connections in DECIDING or SYN_RECEIVED: the SYN backlog. */
    private int embryonic;
    private double challengeTokens;
    private long challengeRefillAt;

    /** @param partialChecksums the link completes TCP checksums: segments carry only the pseudo-header sum */
    public TcpLayer(StackContext ctx, Ipv4Layer ip, FlowAcceptor acceptor, int mtu, boolean partialChecksums) {
        this.ctx = ctx;
        this.counters = ctx.counters();
        this.cfg = ctx.config().tcp();
        this.ip = ip;
        this.acceptor = acceptor;
        this.mtu = mtu;
        this.partialChecksums = partialChecksums;
        this.challengeTokens = cfg.challengeAcksPerSecond();
    }

    Ipv4Output ip() {
        return ip;
    }

    int mtu() {
        return mtu;
    }

    /** The TCP checksum field for a segment at {@code at} of {@code length} bytes whose pseudo-header sums to {@code pseudo}. */
    int checksum(long pseudo, ByteBuf b, int at, int length) {
        return partialChecksums ? Checksum.partial(pseudo) : Checksum.finish(Checksum.add(pseudo, b, at, length));
    }

    /**
     * Makes {@code port} of the gateway address a local service: each connection to it gets a
     * handler from {@code service} (null refuses it with an RST). Call on the stack thread.
     */
    public void bindLocal(int port, Supplier<FlowHandler> service) {
        local.put(port, service);
    }

    /** Connections in the table, TIME_WAIT and pending decisions included. */
    public int connectionCount() {
        return table.size();
    }

    /** Half-open connections (decision pending or SYN-ACK unanswered). */
    public int embryonicConnections() {
        return embryonic;
    }

    @Override
    public void receive(Ipv4Packet packet) {
        switch (TcpSegment.parse(packet)) {
            case Parsed.Bad<TcpSegment>(Counter why) -> counters.inc(why);
            case Parsed.Ok<TcpSegment>(TcpSegment seg) -> {
                counters.inc(Counter.TCP_SEGMENTS_IN);
                demux(packet, seg);
            }
        }
    }

    private void demux(Ipv4Packet packet, TcpSegment seg) {
        ConnectionKey key = new ConnectionKey(packet.source(), seg.sourcePort(), packet.destination(), seg.destinationPort());
        TcpConnection conn = table.get(key);
        boolean bareSyn = seg.has(TcpSegment.SYN) && !seg.has(TcpSegment.ACK);
        if (conn != null && conn.state == TcpState.TIME_WAIT && bareSyn && Seq.gt(seg.seq(), conn.rcvNxt())) {
            counters.inc(Counter.TCP_TIME_WAIT_REUSED); // RFC 9293 3.10.7.4 / RFC 6191: a new incarnation
            conn.terminate(CloseReason.NORMAL);
            conn = null;
        }
        if (conn != null) {
            conn.onSegment(seg);
            return;
        }
        if (seg.has(TcpSegment.RST)) {
            counters.inc(Counter.TCP_NO_CONNECTION);
            return;
        }
        if (!bareSyn) {
            counters.inc(Counter.TCP_NO_CONNECTION);
            if (seg.has(TcpSegment.ACK)) {
                sendReset(key, seg.ack(), 0, TcpSegment.RST);
            } else {
                sendReset(key, 0, seg.seq() + seg.sequenceLength(), TcpSegment.RST | TcpSegment.ACK);
            }
            return;
        }
        if (table.size() >= cfg.maxConnections()) {
            counters.inc(Counter.TCP_TABLE_FULL);
            return;
        }
        if (embryonic >= cfg.maxPendingSyns()) {
            counters.inc(Counter.TCP_SYN_BACKLOG_FULL);
            return;
        }
        startDecision(key, packet, seg);
    }

    private void startDecision(ConnectionKey key, Ipv4Packet packet, TcpSegment seg) {
        FlowId id = new FlowId(Transport.TCP, new InetSocketAddress(Ip4.toInet(key.guestIp()), key.guestPort()),
                new InetSocketAddress(Ip4.toInet(key.remoteIp()), key.remotePort()));
        TcpConnection conn = new TcpConnection(this, ctx, key, id, seg, packet.quote(Ipv4Layer.QUOTE_PAYLOAD),
                random.nextInt());
        table.put(key, conn);
        embryonic++;
        counters.inc(Counter.TCP_SYN_RECEIVED);
        conn.awaitDecision(ctx.nowMillis() + cfg.decisionTimeoutMillis());
        Supplier<FlowHandler> service = key.remoteIp() == ctx.config().gatewayIp() ? local.get(key.remotePort()) : null;
        CompletionStage<FlowVerdict> stage;
        try {
            if (service != null) {
                FlowHandler h = service.get();
                stage = CompletableFuture.completedFuture(h != null ? FlowVerdict.accept(h) : FlowVerdict.reset());
            } else {
                stage = acceptor.onSyn(id);
            }
        } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
        }
        if (stage == null) {
            stage = CompletableFuture.completedFuture(null);
        }
        stage.whenComplete((verdict, error) -> {
            if (ctx.loop().inEventLoop()) {
                decided(conn, verdict, error);
            } else {
                ctx.loop().execute(() -> decided(conn, verdict, error));
            }
        });
    }

    private void decided(TcpConnection conn, FlowVerdict verdict, Throwable error) {
        if (conn.state != TcpState.DECIDING) {
            if (verdict instanceof FlowVerdict.Accept(var handler)) {
                conn.lateAccept(handler); // the guest gave up (RST) or the decision timed out
            }
            return;
        }
        switch (verdict) {
            case FlowVerdict.Accept(var handler) when error == null -> {
                counters.inc(Counter.TCP_ACCEPTED);
                conn.accept(handler, isn.next(conn.key.remoteIp(), conn.key.remotePort(), conn.key.guestIp(),
                        conn.key.guestPort()));
            }
            case FlowVerdict.Prohibit p when error == null -> {
                counters.inc(Counter.TCP_DENIED_PROHIBITED);
                ip.sendIcmpError(ctx.config().gatewayIp(), conn.key.guestIp(), conn.synQuote,
                        IcmpMessage.DEST_UNREACHABLE, IcmpMessage.CODE_ADMIN_PROHIBITED);
                conn.terminate(CloseReason.NEVER_OPENED);
            }
            case FlowVerdict.Reset r when error == null -> {
                counters.inc(Counter.TCP_DENIED_RESET);
                refuse(conn);
            }
            case null, default -> {
                counters.inc(Counter.TCP_DECISION_FAILED);
                refuse(conn);
            }
        }
    }

    /** The decision did not arrive in time: refuse (fail closed). */
    void decisionTimedOut(TcpConnection conn) {
        counters.inc(Counter.TCP_DECISION_FAILED);
        refuse(conn);
    }

    private void refuse(TcpConnection conn) {
        sendReset(conn.key, 0, conn.rcvNxt(), TcpSegment.RST | TcpSegment.ACK);
        conn.terminate(CloseReason.NEVER_OPENED);
    }

    void remove(TcpConnection conn, boolean wasEmbryonic) {
        table.remove(conn.key, conn);
        if (wasEmbryonic) {
            embryonic--;
        }
    }

    /** The handshake completed: the connection leaves the SYN backlog. */
    void established() {
        embryonic--;
    }

    boolean allowChallengeAck() {
        long now = ctx.nowMillis();
        int rate = cfg.challengeAcksPerSecond();
        challengeTokens = Math.min(rate, challengeTokens + (now - challengeRefillAt) * rate / 1000.0);
        challengeRefillAt = now;
        if (challengeTokens >= 1) {
            challengeTokens--;
            return true;
        }
        return false;
    }

    /** An RST from the impersonated destination to the guest, outside any connection. */
    private void sendReset(ConnectionKey key, int seq, int ack, int flags) {
        counters.inc(Counter.TCP_RESETS_SENT);
        counters.inc(Counter.TCP_SEGMENTS_OUT);
        ByteBuf b = ctx.allocate(Ipv4Output.HEADROOM, TcpSegment.HEADER);
        int at = b.writerIndex();
        b.writeShort(key.remotePort()).writeShort(key.guestPort()).writeInt(seq).writeInt(ack)
                .writeByte(5 << 4).writeByte(flags).writeShort(0).writeShort(0).writeShort(0);
        long sum = Checksum.pseudoHeader4(key.remoteIp(), key.guestIp(), Ipv4Packet.PROTO_TCP, TcpSegment.HEADER);
        b.setShort(at + 16, checksum(sum, b, at, TcpSegment.HEADER));
        ip.send(b, key.remoteIp(), key.guestIp(), Ipv4Packet.PROTO_TCP);
    }

    /** Resets every connection and tells every handler (stack shutdown). */
    public void shutdown() {
        for (TcpConnection c : new ArrayList<>(table.values())) {
            c.shutdown();
        }
    }
}
