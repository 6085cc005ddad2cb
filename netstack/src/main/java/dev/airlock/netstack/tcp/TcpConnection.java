package dev.airlock.netstack.tcp;

import dev.airlock.netstack.Counter;
import dev.airlock.netstack.Ipv4Output;
import dev.airlock.netstack.NetstackCounters;
import dev.airlock.netstack.StackContext;
import dev.airlock.netstack.flow.CloseReason;
import dev.airlock.netstack.flow.Flow;
import dev.airlock.netstack.flow.FlowHandler;
import dev.airlock.netstack.flow.FlowId;
import dev.airlock.netstack.packet.Checksum;
import dev.airlock.netstack.packet.Ipv4Packet;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.lang.System.Logger.Level;
import java.util.concurrent.TimeUnit;

/**
 * One guest TCP connection, passive side: the RFC 9293 segment-arrival state machine with
 * RFC 5961 RST/SYN/ACK validation, RFC 7323 timestamps/PAWS, delayed ACKs, the timers
 * (retransmission, persist, keepalive, TIME_WAIT, decision) and the {@link Flow} byte-stream
 * API. All state is confined to the stack thread; {@link Flow} calls from elsewhere hop onto it.
 */
public final class TcpConnection implements Flow, SegmentEmitter {
    private static final System.Logger LOG = System.getLogger(TcpConnection.class.getName());
    private static final int MAX_SYN_ACK_RETRIES = 5;
    private static final long MAX_PERSIST_MILLIS = 60_000;
    private static final ByteBufAllocator SEGMENTS = PooledByteBufAllocator.DEFAULT;
    /**
     * Components a segment may have before Netty would merge them (a copy): the header and one
     * slice per send-buffer piece, which a 64 KiB segment has at most ~33 of (pieces are 2 KiB+).
     */
    private static final int MAX_SEGMENT_COMPONENTS = 256;

    private final TcpLayer layer;
    private final StackContext ctx;
    private final TcpConfig cfg;
    private final NetstackCounters counters;
    final ConnectionKey key;
    private final FlowId id;
    final byte[] synQuote;
    private final TcpReceiver rcv;
    private TcpSender snd;
    TcpState state = TcpState.DECIDING;
    private FlowHandler handler;

    // negotiated at the handshake
    private final int peerMss;
    private final int peerWindowScale;
    private final int peerSynWindow;
    private final boolean sackOn;
    private final boolean tsOn;
    private final int rcvShift;
    private int tsRecent;
    private final int tsOffset;
    private int lastAckSent;

    // timers: absolute deadlines in stack milliseconds, -1 when off
    long decisionAt = -1;
    private long rtoAt = -1;
    private long delayedAckAt = -1;
    private long persistAt = -1;
    private long keepAliveAt = -1;
    long timeWaitAt = -1;
    private ScheduledFuture<?> wakeup;
    private long wakeupAt;

    private boolean ackNow;
    private int unackedSegments;
    private int persistBackoff;
    private int keepAlivesSent;
    private long lastHeard;
    private int synAckRetries;
    private boolean autoRead = true;
    private boolean delivering;
    private boolean inputShutdownNotified;
    private boolean closeNotified;
    private boolean appClosed;
    private boolean writable = true;
    private boolean flushScheduled;
    private final int[] sackScratch = new int[8];

    TcpConnection(TcpLayer layer, StackContext ctx, ConnectionKey key, FlowId id, TcpSegment syn, byte[] synQuote,
                  int tsOffset) {
        this.layer = layer;
        this.ctx = ctx;
        this.cfg = ctx.config().tcp();
        this.counters = ctx.counters();
        this.key = key;
        this.id = id;
        this.synQuote = synQuote;
        this.rcv = new TcpReceiver(syn.seq(), cfg.receiveBuffer(), cfg.maxOutOfOrderSegments());
        this.peerMss = syn.mss() > 0 ? syn.mss() : 536;
        this.peerWindowScale = syn.windowScale();
        this.peerSynWindow = syn.window();
        this.sackOn = syn.sackPermitted();
        this.tsOn = syn.hasTimestamps();
        this.tsRecent = syn.tsVal();
        this.tsOffset = tsOffset;
        int shift = 0;
        while (peerWindowScale >= 0 && shift < 14 && (cfg.receiveBuffer() >> shift) > 65535) {
            shift++;
        }
        this.rcvShift = shift;
        this.lastHeard = ctx.nowMillis();
    }

    @Override
    public FlowId id() {
        return id;
    }

    public TcpState state() {
        return state;
    }

    // ---------------------------------------------------------------- decision

    /** The acceptor admitted the flow: send the SYN-ACK (RFC 9293 3.10.7.2). */
    void accept(FlowHandler handler, int iss) {
        this.handler = handler;
        int linkMss = layer.mtu() - 40;
        int mss = Math.max(64, Math.min(peerMss, linkMss) - (tsOn ? 12 : 0));
        RttEstimator rtt = new RttEstimator(cfg.initialRtoMillis(), cfg.minRtoMillis(), cfg.maxRtoMillis());
        this.snd = new TcpSender(iss, peerSynWindow, peerWindowScale >= 0 ? peerWindowScale : 0, mss, sackOn, rtt,
                rcv.irs);
        state = TcpState.SYN_RECEIVED;
        decisionAt = -1;
        sendSynAck();
        rtoAt = ctx.nowMillis() + snd.rtt.rto();
        rearm();
    }

    /** Starts the decision clock (fail closed when it runs out). */
    void awaitDecision(long deadline) {
        decisionAt = deadline;
        rearm();
    }

    int rcvNxt() {
        return rcv.rcvNxt();
    }

    private void sendSynAck() {
        emit(snd.iss, TcpSegment.SYN | TcpSegment.ACK, 0, 0);
    }

    /** Handler to notify if an accepted verdict arrives after the guest gave up. */
    void lateAccept(FlowHandler h) {
        safely(() -> h.onClosed(this, CloseReason.NEVER_OPENED));
    }

    // ---------------------------------------------------------------- segment arrival

    /** RFC 9293 3.10.7.4, for every state after the decision. */
    void onSegment(TcpSegment seg) {
        long now = ctx.nowMillis();
        switch (state) {
            case CLOSED -> { return; }
            case DECIDING -> {
                if (seg.has(TcpSegment.RST)) {
                    if (seg.seq() == rcv.rcvNxt()) {
                        counters.inc(Counter.TCP_RESETS_RECEIVED);
                        terminate(CloseReason.NEVER_OPENED);
                    }
                } else if (seg.has(TcpSegment.SYN) && seg.seq() == rcv.irs) {
                    counters.inc(Counter.TCP_SYN_WHILE_PENDING);
                }
                return;
            }
            default -> { }
        }
        int seq = seg.seq();
        boolean rst = seg.has(TcpSegment.RST);
        // PAWS (RFC 7323 5.3)
        if (tsOn && seg.hasTimestamps() && !rst && Seq.lt(seg.tsVal(), tsRecent)) {
            counters.inc(Counter.TCP_PAWS_REJECTED);
            sendAck();
            return;
        }
        if (seg.has(TcpSegment.SYN)) {
            if (state == TcpState.SYN_RECEIVED && seq == rcv.irs) {
                sendSynAck(); // our SYN-ACK was lost; the guest retransmitted its SYN
                return;
            }
            if (state == TcpState.TIME_WAIT) {
                sendAck();
                return;
            }
            challengeAck(); // RFC 5961 4.2: any SYN on a synchronized connection
            return;
        }
        int segLen = seg.payloadLength() + (seg.has(TcpSegment.FIN) ? 1 : 0);
        if (!rcv.acceptable(seq, segLen)) {
            counters.inc(Counter.TCP_OUT_OF_WINDOW);
            if (!rst) {
                sendAck();
            }
            return;
        }
        if (rst) {
            if (seq == rcv.rcvNxt()) { // RFC 5961 3.2: only an exact match resets
                counters.inc(Counter.TCP_RESETS_RECEIVED);
                terminate(state == TcpState.SYN_RECEIVED ? CloseReason.NEVER_OPENED : CloseReason.RESET_BY_PEER);
            } else {
                challengeAck();
            }
            return;
        }
        if (!seg.has(TcpSegment.ACK)) {
            counters.inc(Counter.TCP_NO_ACK_FLAG);
            return;
        }
        lastHeard = now;
        keepAlivesSent = 0;
        int ack = seg.ack();
        if (state == TcpState.SYN_RECEIVED) {
            if (!Seq.gt(ack, snd.sndUna) || Seq.gt(ack, snd.sndMax)) {
                sendReset(ack, 0, false);
                return;
            }
        }
        if (tsOn && seg.hasTimestamps() && Seq.le(seq, lastAckSent)) {
            tsRecent = seg.tsVal(); // RFC 7323 4.3
        }
        int unaBefore = snd.sndUna;
        TcpSender.AckKind kind = snd.onAck(seg, now, tsOffset, tsOn, this);
        switch (kind) {
            case TOO_NEW -> {
                counters.inc(Counter.TCP_ACK_TOO_NEW);
                sendAck();
                return;
            }
            case FAST_RETRANSMIT -> counters.inc(Counter.TCP_FAST_RETRANSMITS);
            case NEW, WINDOW_OPENED -> rtoAt = snd.hasOutstanding() ? now + snd.rtt.rto() : -1; // RFC 6298 5.2/5.3
            default -> { }
        }
        if (state == TcpState.SYN_RECEIVED && snd.sndUna != unaBefore) {
            state = TcpState.ESTABLISHED;
            layer.established();
            counters.inc(Counter.TCP_ESTABLISHED);
            if (!safely(() -> handler.onOpen(this))) {
                return;
            }
            if (state == TcpState.CLOSED) {
                return;
            }
        }
        if (snd.finAcked()) {
            switch (state) {
                case FIN_WAIT_1 -> {
                    state = TcpState.FIN_WAIT_2;
                    if (appClosed) {
                        // an orphaned FIN_WAIT_2 must not live forever if the guest never closes
                        timeWaitAt = now + cfg.timeWaitMillis();
                    }
                }
                case CLOSING -> {
                    enterTimeWait();
                    return;
                }
                case LAST_ACK -> {
                    terminate(CloseReason.NORMAL);
                    return;
                }
                default -> { }
            }
        }
        if (seg.payloadLength() > 0 || seg.has(TcpSegment.FIN)) {
            receiveText(seg);
            if (state == TcpState.CLOSED) {
                return;
            }
        }
        flush();
    }

    private void receiveText(TcpSegment seg) {
        if (!state.canReceiveData()) {
            if (state == TcpState.TIME_WAIT) {
                timeWaitAt = ctx.nowMillis() + cfg.timeWaitMillis(); // a retransmitted FIN restarts 2 MSL
            }
            ackNow = true;
            return;
        }
        boolean hadFin = rcv.finReceived();
        TcpState before = state;
        TcpReceiver.Result r = rcv.accept(seg.seq(), seg.buffer(), seg.payloadOffset(), seg.payloadLength(),
                seg.has(TcpSegment.FIN));
        switch (r) {
            case IN_ORDER -> {
                if (++unackedSegments >= 2 || rcv.hasOutOfOrder()) {
                    ackNow = true;
                } else if (delayedAckAt < 0) {
                    delayedAckAt = ctx.nowMillis() + cfg.delayedAckMillis();
                }
            }
            case OUT_OF_ORDER -> {
                counters.inc(Counter.TCP_OOO_QUEUED);
                sendAck(); // immediate duplicate ACK carrying SACK (RFC 5681 4.2)
            }
            case QUEUE_FULL -> {
                counters.inc(Counter.TCP_OOO_QUEUE_FULL);
                sendAck();
            }
            case DUPLICATE -> ackNow = true;
        }
        if (rcv.finReceived() && !hadFin) {
            ackNow = true;
            switch (state) {
                case ESTABLISHED -> state = TcpState.CLOSE_WAIT;
                case FIN_WAIT_1 -> state = snd.finAcked() ? TcpState.TIME_WAIT : TcpState.CLOSING;
                case FIN_WAIT_2 -> state = TcpState.TIME_WAIT;
                default -> { }
            }
        }
        deliver();
        if (state == TcpState.TIME_WAIT && before != TcpState.TIME_WAIT) {
            sendAck();
            enterTimeWait();
        }
    }

    // ---------------------------------------------------------------- delivery to the handler

    private void deliver() {
        if (delivering || handler == null) {
            return;
        }
        delivering = true;
        try {
            while ((autoRead || appClosed) && state != TcpState.CLOSED) {
                ByteBuf b = rcv.poll();
                if (b == null) {
                    break;
                }
                if (appClosed) {
                    b.release();
                    continue;
                }
                if (!safely(() -> handler.onData(this, b))) {
                    return;
                }
            }
            if (rcv.finReceived() && rcv.readyBytes() == 0 && !inputShutdownNotified && state != TcpState.CLOSED) {
                inputShutdownNotified = true;
                if (!appClosed) {
                    safely(() -> handler.onInputShutdown(this));
                }
            }
            if (state == TcpState.TIME_WAIT && rcv.readyBytes() == 0) {
                notifyClosed(CloseReason.NORMAL);
            }
        } finally {
            delivering = false;
        }
    }

    // ---------------------------------------------------------------- output

    /** Sends what is due: data and FIN, then a pure ACK if one is still owed; re-arms timers. */
    private void flush() {
        if (state == TcpState.CLOSED || snd == null) {
            return;
        }
        long now = ctx.nowMillis();
        if (state.canSendData() && state != TcpState.SYN_RECEIVED) {
            snd.transmit(now, this);
        }
        if (!ackNow && state.synchronizedState() && rcv.windowUpdateDue(snd.mss, 65535 << rcvShift)) {
            ackNow = true;
        }
        if (ackNow) {
            sendAck();
        }
        updateTimers(now);
        updateWritability();
    }

    private void updateTimers(long now) {
        if (state == TcpState.CLOSED) {
            return;
        }
        if (snd.hasOutstanding()) {
            if (rtoAt < 0) {
                rtoAt = now + snd.rtt.rto();
            }
        } else {
            rtoAt = -1;
        }
        if (state.canSendData() && snd.sndWnd == 0 && snd.unsent() > 0 && !snd.hasOutstanding()) {
            if (persistAt < 0) {
                persistAt = now + Math.min(MAX_PERSIST_MILLIS, snd.rtt.rto() << Math.min(persistBackoff, 10));
            }
        } else {
            persistAt = -1;
            persistBackoff = 0;
        }
        if (cfg.keepAliveIdleMillis() > 0 && state.synchronizedState() && state != TcpState.TIME_WAIT
                && !snd.hasOutstanding()) {
            keepAliveAt = lastHeard + cfg.keepAliveIdleMillis() + keepAlivesSent * cfg.keepAliveIntervalMillis();
        } else {
            keepAliveAt = -1;
        }
        rearm();
    }

    @Override
    public void emitData(int seq, int bufferOffset, int len, boolean fin, boolean retransmission) {
        if (retransmission) {
            counters.inc(Counter.TCP_RETRANSMITS);
        }
        emit(seq, TcpSegment.ACK | (fin ? TcpSegment.FIN : 0) | (len > 0 ? TcpSegment.PSH : 0), bufferOffset, len);
    }

    private void sendAck() {
        emit(snd == null ? 0 : snd.sndNxt, TcpSegment.ACK, 0, 0);
    }

    private void challengeAck() {
        if (!layer.allowChallengeAck()) {
            counters.inc(Counter.TCP_CHALLENGE_ACK_LIMITED);
            return;
        }
        counters.inc(Counter.TCP_CHALLENGE_ACKS);
        sendAck();
    }

    private void sendReset(int seq, int ack, boolean withAck) {
        counters.inc(Counter.TCP_RESETS_SENT);
        emit(seq, TcpSegment.RST | (withAck ? TcpSegment.ACK : 0), 0, 0, ack);
    }

    private void emit(int seq, int flags, int bufferOffset, int len) {
        emit(seq, flags, bufferOffset, len, rcv.rcvNxt());
    }

    /**
     * Builds one segment with our options, window and checksum, and sends it to the guest. A
     * segment with data is a composite: a small header buffer (with room for the IPv4 and
     * Ethernet headers in front) followed by slices of the send buffer, so payload bytes are
     * never copied here.
     */
    private void emit(int seq, int flags, int bufferOffset, int len, int ackValue) {
        boolean syn = (flags & TcpSegment.SYN) != 0;
        boolean ackFlag = (flags & TcpSegment.ACK) != 0;
        ByteBuf b = ctx.allocate(Ipv4Output.HEADROOM, TcpSegment.HEADER + 40);
        int at = b.writerIndex();
        b.writerIndex(at + TcpSegment.HEADER);
        long now = ctx.nowMillis();
        if (syn) {
            b.writeByte(2).writeByte(4).writeShort(layer.mtu() - 40);
            if (peerWindowScale >= 0) {
                b.writeByte(1).writeByte(3).writeByte(3).writeByte(rcvShift);
            }
            if (sackOn) {
                b.writeByte(1).writeByte(1).writeByte(4).writeByte(2);
            }
        }
        if (tsOn) {
            b.writeByte(1).writeByte(1).writeByte(8).writeByte(10).writeInt((int) now + tsOffset).writeInt(tsRecent);
        }
        if (!syn && ackFlag && sackOn && len == 0 && (flags & TcpSegment.RST) == 0 && rcv.hasOutOfOrder()) {
            int n = rcv.sackBlocks(sackScratch, tsOn ? 3 : 4);
            if (n > 0) {
                b.writeByte(1).writeByte(1).writeByte(5).writeByte(2 + 8 * n);
                for (int i = 0; i < n; i++) {
                    b.writeInt(sackScratch[2 * i]).writeInt(sackScratch[2 * i + 1]);
                }
            }
        }
        int headerLength = b.writerIndex() - at;
        int window;
        if ((flags & TcpSegment.RST) != 0) {
            window = 0;
        } else if (syn) {
            window = Math.min(rcv.window(), 65535);
            rcv.advertised(window);
        } else {
            window = Math.min(rcv.window() >> rcvShift, 65535);
            rcv.advertised(window << rcvShift);
        }
        b.setShort(at, key.remotePort());
        b.setShort(at + 2, key.guestPort());
        b.setInt(at + 4, seq);
        b.setInt(at + 8, ackFlag ? ackValue : 0);
        b.setByte(at + 12, (headerLength / 4) << 4);
        b.setByte(at + 13, flags);
        b.setShort(at + 14, window);
        b.setShort(at + 16, 0);
        b.setShort(at + 18, 0);
        ByteBuf segment = b;
        if (len > 0) {
            // the composite starts at the header buffer's index 0, so the headroom keeps its place
            CompositeByteBuf c = SEGMENTS.compositeBuffer(MAX_SEGMENT_COMPONENTS);
            c.addComponent(true, b.readerIndex(0));
            snd.buffer.addSlices(bufferOffset, len, c);
            segment = c.readerIndex(at);
        }
        int total = headerLength + len;
        long sum = Checksum.pseudoHeader4(key.remoteIp(), key.guestIp(), Ipv4Packet.PROTO_TCP, total);
        b.setShort(at + 16, layer.checksum(sum, segment, at, total));
        if (ackFlag) {
            lastAckSent = ackValue;
            ackNow = false;
            unackedSegments = 0;
            delayedAckAt = -1;
        }
        counters.inc(Counter.TCP_SEGMENTS_OUT);
        layer.ip().send(segment, key.remoteIp(), key.guestIp(), Ipv4Packet.PROTO_TCP);
    }

    // ---------------------------------------------------------------- timers

    private void rearm() {
        long next = Long.MAX_VALUE;
        for (long t : new long[] {decisionAt, rtoAt, delayedAckAt, persistAt, keepAliveAt, timeWaitAt}) {
            if (t >= 0 && t < next) {
                next = t;
            }
        }
        if (next == Long.MAX_VALUE || state == TcpState.CLOSED) {
            return;
        }
        if (wakeup != null && wakeupAt <= next) {
            return; // an earlier wakeup will re-arm for this deadline
        }
        if (wakeup != null) {
            wakeup.cancel(false);
        }
        wakeupAt = next;
        long delay = Math.max(0, next - ctx.nowMillis());
        wakeup = ctx.loop().schedule(this::onWakeup, delay, TimeUnit.MILLISECONDS);
    }

    private void onWakeup() {
        wakeup = null;
        if (state == TcpState.CLOSED) {
            return;
        }
        long now = ctx.nowMillis();
        if (decisionAt >= 0 && now >= decisionAt) {
            decisionAt = -1;
            layer.decisionTimedOut(this);
            return;
        }
        if (timeWaitAt >= 0 && now >= timeWaitAt) {
            terminate(CloseReason.NORMAL);
            return;
        }
        if (rtoAt >= 0 && now >= rtoAt) {
            rtoAt = -1;
            onRetransmitTimeout(now);
            if (state == TcpState.CLOSED) {
                return;
            }
        }
        if (persistAt >= 0 && now >= persistAt) {
            persistAt = -1;
            persistBackoff++;
            counters.inc(Counter.TCP_ZERO_WINDOW_PROBES);
            emit(snd.sndUna - 1, TcpSegment.ACK, 0, 0); // an old sequence number elicits an ACK with the window
        }
        if (keepAliveAt >= 0 && now >= keepAliveAt) {
            keepAliveAt = -1;
            if (keepAlivesSent >= cfg.keepAliveProbes()) {
                counters.inc(Counter.TCP_TIMEOUT_ABORTS);
                abortNow(CloseReason.TIMED_OUT);
                return;
            }
            keepAlivesSent++;
            counters.inc(Counter.TCP_KEEPALIVE_PROBES);
            emit(snd.sndUna - 1, TcpSegment.ACK, 0, 0);
        }
        if (delayedAckAt >= 0 && now >= delayedAckAt) {
            delayedAckAt = -1;
            ackNow = true;
        }
        if (state == TcpState.DECIDING) {
            rearm();
        } else {
            flush();
        }
    }

    private void onRetransmitTimeout(long now) {
        if (state == TcpState.SYN_RECEIVED) {
            if (++synAckRetries > MAX_SYN_ACK_RETRIES) {
                counters.inc(Counter.TCP_TIMEOUT_ABORTS);
                terminate(CloseReason.NEVER_OPENED);
                return;
            }
            snd.rtt.backOff();
            counters.inc(Counter.TCP_RETRANSMITS);
            sendSynAck();
            rtoAt = now + snd.rtt.rto();
            return;
        }
        if (!snd.hasOutstanding()) {
            return;
        }
        counters.inc(Counter.TCP_RTO_EXPIRED);
        if (++snd.consecutiveTimeouts > cfg.maxRetransmits()) {
            counters.inc(Counter.TCP_TIMEOUT_ABORTS);
            abortNow(CloseReason.TIMED_OUT);
            return;
        }
        snd.onTimeout(this);
        rtoAt = now + snd.rtt.rto();
    }

    private void enterTimeWait() {
        state = TcpState.TIME_WAIT;
        timeWaitAt = ctx.nowMillis() + cfg.timeWaitMillis();
        rtoAt = persistAt = keepAliveAt = delayedAckAt = -1;
        if (rcv.readyBytes() == 0) {
            notifyClosed(CloseReason.NORMAL);
        }
        if (snd != null) {
            snd.buffer.clear();
        }
        rearm();
    }

    // ---------------------------------------------------------------- teardown

    /** Removes the connection, releases its buffers and tells the handler (once). */
    void terminate(CloseReason reason) {
        if (state == TcpState.CLOSED) {
            return;
        }
        boolean wasEmbryonic = state == TcpState.DECIDING || state == TcpState.SYN_RECEIVED;
        state = TcpState.CLOSED;
        if (wakeup != null) {
            wakeup.cancel(false);
            wakeup = null;
        }
        releaseBuffers();
        layer.remove(this, wasEmbryonic);
        notifyClosed(reason);
    }

    private void notifyClosed(CloseReason reason) {
        if (closeNotified || handler == null) {
            return;
        }
        closeNotified = true;
        FlowHandler h = handler;
        safely(() -> h.onClosed(this, reason));
    }

    private void releaseBuffers() {
        rcv.release();
        if (snd != null) {
            snd.buffer.clear();
        }
    }

    private void abortNow(CloseReason reason) {
        if (state != TcpState.CLOSED && state != TcpState.DECIDING && state != TcpState.TIME_WAIT && snd != null) {
            sendReset(snd.sndNxt, rcv.rcvNxt(), true);
        }
        terminate(reason);
    }

    /** Runs a handler callback; a throwing handler aborts its own flow, never the stack thread. */
    private boolean safely(Runnable r) {
        try {
            r.run();
            return true;
        } catch (RuntimeException | Error e) {
            counters.inc(Counter.FLOW_HANDLER_ERRORS);
            LOG.log(Level.WARNING, "flow handler for " + id + " threw; aborting the flow", e);
            if (state != TcpState.CLOSED) {
                closeNotified = true; // the handler failed; do not call it again
                abortNow(CloseReason.ABORTED);
            }
            return false;
        }
    }

    // ---------------------------------------------------------------- Flow API

    @Override
    public EventExecutor executor() {
        return ctx.loop();
    }

    private void onLoop(Runnable r) {
        if (ctx.loop().inEventLoop()) {
            r.run();
        } else {
            ctx.loop().execute(r);
        }
    }

    @Override
    public void write(ByteBuf data) {
        onLoop(() -> {
            if (snd == null || appClosed || snd.finQueued || !state.canSendData() && state != TcpState.SYN_RECEIVED) {
                data.release();
                return;
            }
            snd.buffer.append(data); // takes ownership: large buffers are kept, not copied
            updateWritability();
            if (state != TcpState.SYN_RECEIVED) {
                flushSoon();
            }
        });
    }

    /**
     * Sends what {@link #write} queued once the current event-loop task is done, not at once:
     * a handler that writes several buffers in one go (a relay passing on a batch of upstream
     * reads) then gets full segments and at most one short one at the end, instead of a full
     * segment and a short remainder for every buffer (each short one a frame the guest's
     * kernel handles like a full one). Like Linux's TCP autocorking, it adds no timer.
     */
    private void flushSoon() {
        if (!flushScheduled) {
            flushScheduled = true;
            ctx.loop().execute(() -> {
                flushScheduled = false;
                flush();
            });
        }
    }

    private void updateWritability() {
        if (snd == null || handler == null || state == TcpState.CLOSED) {
            return;
        }
        int pending = snd.buffer.size();
        boolean now = writable ? pending < cfg.sendBuffer() : pending <= cfg.sendBuffer() / 2;
        if (now != writable) {
            writable = now;
            safely(() -> handler.onWritabilityChanged(this));
        }
    }

    @Override
    public boolean isWritable() {
        return writable && state != TcpState.CLOSED;
    }

    @Override
    public int pendingOutboundBytes() {
        TcpSender s = snd;
        return s == null ? 0 : s.buffer.size();
    }

    @Override
    public void setAutoRead(boolean on) {
        onLoop(() -> {
            autoRead = on;
            if (on && state != TcpState.CLOSED) {
                deliver();
                flush();
            }
        });
    }

    @Override
    public boolean isAutoRead() {
        return autoRead;
    }

    @Override
    public void shutdownOutput() {
        onLoop(this::queueFin);
    }

    private void queueFin() {
        if (snd == null || snd.finQueued) {
            return;
        }
        switch (state) {
            case SYN_RECEIVED, ESTABLISHED -> state = TcpState.FIN_WAIT_1;
            case CLOSE_WAIT -> state = TcpState.LAST_ACK;
            default -> { return; }
        }
        snd.finQueued = true;
        flush();
    }

    @Override
    public void close() {
        onLoop(() -> {
            appClosed = true;
            rcv.discardReady();
            queueFin();
            flush();
        });
    }

    @Override
    public void abort() {
        onLoop(() -> {
            if (state == TcpState.CLOSED) {
                return;
            }
            abortNow(CloseReason.ABORTED);
        });
    }

    @Override
    public boolean isActive() {
        return state != TcpState.CLOSED && state != TcpState.TIME_WAIT && state != TcpState.DECIDING;
    }

    /** Stack shutdown: RST the guest and tell the handler. */
    void shutdown() {
        if (state == TcpState.DECIDING) {
            terminate(CloseReason.STACK_CLOSED);
            return;
        }
        if (state != TcpState.TIME_WAIT && state != TcpState.CLOSED && snd != null) {
            sendReset(snd.sndNxt, rcv.rcvNxt(), true);
        }
        terminate(CloseReason.STACK_CLOSED);
    }

    @Override
    public String toString() {
        return "TcpConnection[" + id + " " + state + "]";
    }
}
