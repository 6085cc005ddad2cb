package dev.airlock.netstack.dns;

import dev.airlock.netstack.Counter;
import dev.airlock.netstack.NetstackCounters;
import dev.airlock.netstack.flow.CloseReason;
import dev.airlock.netstack.flow.Flow;
import dev.airlock.netstack.flow.FlowHandler;
import dev.airlock.netstack.packet.Ip4;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One DNS-over-TCP connection to the gateway address (RFC 1035 4.2.2, RFC 7766): each message
 * is preceded by its two-byte length; a connection may carry many queries, pipelined, and the
 * answers go back as they complete (matched by id, RFC 7766 6.2.1.1). Every query is answered by
 * the same path as over UDP ({@link DnsServer#query}), with the 64 KiB TCP size limit.
 *
 * <p>Limits: a query longer than {@link #MAX_QUERY} bytes (or shorter than a header) closes the
 * connection, as does a malformed message — the stream cannot be trusted after either; at most
 * {@link #MAX_IN_FLIGHT} queries per connection wait for answers (reading pauses, so the guest's
 * window closes); a connection with nothing in flight for {@link #IDLE_MILLIS} is closed
 * (RFC 7766 6.2.3). Nothing here throws into the stack: a bad stream is counted and closed.
 */
final class DnsTcpSession implements FlowHandler {
    /** Longest query accepted: a question is at most ~260 bytes, EDNS options add little. */
    static final int MAX_QUERY = 4096;
    /** Queries of one connection waiting for an answer at once. */
    static final int MAX_IN_FLIGHT = 16;
    /** A connection with no query in flight and no input for this long is closed. */
    static final long IDLE_MILLIS = 10_000;

    private final DnsServer server;
    private final NetstackCounters counters;
    private final ByteBuf input = Unpooled.buffer(256);
    private Flow flow;
    private int guestIp;
    private int inFlight;
    private boolean inputDone;
    private boolean closed;
    private long lastActivity;
    private ScheduledFuture<?> idleCheck;

    DnsTcpSession(DnsServer server, NetstackCounters counters) {
        this.server = server;
        this.counters = counters;
    }

    @Override
    public void onOpen(Flow flow) {
        this.flow = flow;
        this.guestIp = flow.id().source().getAddress() instanceof java.net.Inet4Address a ? Ip4.fromInet(a) : 0;
        touch();
        scheduleIdleCheck(IDLE_MILLIS);
    }

    @Override
    public void onData(Flow flow, ByteBuf data) {
        try {
            if (closed || inputDone) {
                return;
            }
            touch();
            input.writeBytes(data);
        } finally {
            data.release();
        }
        readMessages();
    }

    /** Takes every complete message out of the input, until the in-flight limit stops it. */
    private void readMessages() {
        while (!closed && inFlight < MAX_IN_FLIGHT && input.readableBytes() >= 2) {
            int at = input.readerIndex();
            int length = input.getUnsignedShort(at);
            if (length < DnsQuery.HEADER || length > MAX_QUERY) {
                counters.inc(Counter.DNS_TCP_BAD_LENGTH);
                shut();
                return;
            }
            if (input.readableBytes() < 2 + length) {
                break;
            }
            ByteBuf message = input.slice(at + 2, length);
            input.skipBytes(2 + length);
            inFlight++;
            if (!server.query(message, guestIp, DnsResponse.MAX_TCP, this::answer)) {
                inFlight--;
                shut(); // malformed (counted by the parser): the rest of the stream is not trusted
                return;
            }
        }
        input.discardReadBytes();
        if (!closed) {
            // Pause reading while the pipeline is full; the bytes wait in the TCP receive buffer.
            boolean wantMore = inFlight < MAX_IN_FLIGHT;
            if (flow.isAutoRead() != wantMore) {
                flow.setAutoRead(wantMore);
            }
        }
    }

    /** An answer (or null: dropped for overload) for one of this connection's queries. */
    private void answer(ByteBuf response) {
        inFlight--;
        if (closed) {
            if (response != null) {
                response.release();
            }
            return;
        }
        touch();
        if (response != null) {
            ByteBuf framed = Unpooled.buffer(2 + response.readableBytes());
            framed.writeShort(response.readableBytes()).writeBytes(response);
            response.release();
            flow.write(framed);
        }
        if (inputDone && inFlight == 0) {
            flow.close();
            return;
        }
        readMessages();
    }

    @Override
    public void onInputShutdown(Flow flow) {
        inputDone = true; // RFC 7766 6.2.4: answer what was asked, then close
        if (inFlight == 0) {
            flow.close();
        }
    }

    @Override
    public void onClosed(Flow flow, CloseReason reason) {
        if (closed) {
            return;
        }
        closed = true;
        if (idleCheck != null) {
            idleCheck.cancel(false);
        }
        input.release();
        server.tcpSessionClosed();
    }

    private void shut() {
        flow.close();
    }

    private void touch() {
        lastActivity = System.nanoTime();
    }

    private void scheduleIdleCheck(long delayMillis) {
        idleCheck = server.loop().schedule(this::idleCheck, delayMillis, TimeUnit.MILLISECONDS);
    }

    private void idleCheck() {
        if (closed) {
            return;
        }
        long idle = (System.nanoTime() - lastActivity) / 1_000_000;
        if (inFlight == 0 && idle >= IDLE_MILLIS) {
            counters.inc(Counter.DNS_TCP_IDLE_CLOSED);
            flow.close();
            return;
        }
        scheduleIdleCheck(Math.max(1, IDLE_MILLIS - (inFlight == 0 ? idle : 0)));
    }
}
