package dev.airlock.netstack.tcp;

/**
 * The send half of a connection: SND.UNA/NXT/WND (RFC 9293), the send buffer, ACK processing,
 * duplicate-ACK and SACK driven fast retransmit with NewReno recovery (RFC 5681, RFC 6582,
 * RFC 6675 hole selection), RTT sampling (timestamps or Karn timing) and go-back-N after a
 * retransmission timeout.
 */
final class TcpSender {
    final int iss;
    int sndUna;
    int sndNxt;
    /** Highest sequence number sent so far (SND.NXT before a timeout rewound it). */
    int sndMax;
    int sndWnd;
    private int sndWl1;
    private int sndWl2;
    int maxSndWnd;
    final int sndShift;
    final int mss;
    final SendBuffer buffer = new SendBuffer();
    /** Sequence number of the oldest byte in {@link #buffer}. */
    int bufSeq;
    boolean finQueued;
    final CongestionControl cc;
    final RttEstimator rtt;
    private final SackScoreboard sack = new SackScoreboard();
    private final boolean sackOn;
    private int dupAcks;
    boolean inRecovery;
    private int recover;
    private int highRxt;
    private boolean timing;
    private int rtSeq;
    private long rtTime;
    int consecutiveTimeouts;
    private final int[] holeEnd = new int[1];

    /** What {@link #onAck} found. */
    enum AckKind { NEW, DUPLICATE, FAST_RETRANSMIT, OLD, TOO_NEW, WINDOW_OPENED }

    TcpSender(int iss, int initialWindow, int sndShift, int mss, boolean sackOn, RttEstimator rtt, int irs) {
        this.iss = iss;
        this.sndUna = iss;
        this.sndNxt = iss + 1; // the SYN-ACK is sent by the connection
        this.sndMax = iss + 1;
        this.bufSeq = iss + 1;
        this.sndWnd = initialWindow;
        this.maxSndWnd = initialWindow;
        this.sndWl1 = irs;
        this.sndWl2 = iss;
        this.sndShift = sndShift;
        this.mss = mss;
        this.sackOn = sackOn;
        this.rtt = rtt;
        this.cc = new NewReno(mss);
    }

    int dataEnd() {
        return bufSeq + buffer.size();
    }

    boolean finSent() {
        return finQueued && Seq.gt(sndMax, dataEnd());
    }

    boolean finAcked() {
        return finQueued && Seq.gt(sndUna, dataEnd());
    }

    boolean hasOutstanding() {
        return sndMax != sndUna;
    }

    int unsent() {
        return Math.max(0, dataEnd() - sndNxt);
    }

    /**
     * Processes the ACK fields of an acceptable segment (RFC 9293 3.10.7.4 fifth check, RFC
     * 5961 5.2). {@code window} is the unscaled window field. Emits fast retransmissions.
     */
    AckKind onAck(TcpSegment seg, long now, int tsOffset, boolean tsOn, SegmentEmitter out) {
        int ack = seg.ack();
        if (Seq.gt(ack, sndMax)) {
            return AckKind.TOO_NEW;
        }
        if (Seq.lt(ack, sndUna - Math.max(maxSndWnd, 1))) {
            return AckKind.OLD;
        }
        int seq = seg.seq();
        int window = seg.window() << sndShift;
        boolean windowChanged = window != sndWnd;
        int oldWindow = sndWnd;
        if (Seq.ge(ack, sndUna) && (Seq.lt(sndWl1, seq) || (sndWl1 == seq && Seq.le(sndWl2, ack)))) {
            sndWnd = window;
            sndWl1 = seq;
            sndWl2 = ack;
            maxSndWnd = Math.max(maxSndWnd, window);
        }
        int sackedBefore = sack.sackedBytes();
        if (sackOn) {
            for (int i = 0; i < seg.sackBlockCount(); i++) {
                sack.add(seg.sackStart(i), seg.sackEnd(i), Seq.max(ack, sndUna), sndMax);
            }
        }
        if (Seq.gt(ack, sndUna)) {
            int acked = ack - sndUna;
            if (tsOn && seg.tsEcr() != 0) {
                long sent = seg.tsEcr() - tsOffset;
                long sample = now - sent;
                if (sample >= 0 && sample < 600_000) {
                    rtt.sample(sample);
                }
            } else if (timing && Seq.gt(ack, rtSeq)) {
                rtt.sample(now - rtTime);
                timing = false;
            }
            if (Seq.gt(ack, bufSeq)) {
                int data = Math.min(ack - bufSeq, buffer.size());
                buffer.discard(data);
                bufSeq += data;
            }
            sndUna = ack;
            if (Seq.lt(sndNxt, sndUna)) {
                sndNxt = sndUna;
            }
            sack.advance(sndUna);
            consecutiveTimeouts = 0;
            rtt.resetBackoff();
            dupAcks = 0;
            if (inRecovery) {
                if (Seq.ge(ack, recover)) {
                    inRecovery = false;
                    cc.onExitRecovery(sndNxt - sndUna);
                } else {
                    cc.onPartialAck(acked);
                    retransmitAt(sndUna, out); // RFC 6582: the next hole starts at the new SND.UNA
                    retransmitHoles(out, 1);
                }
            } else {
                cc.onAck(acked);
            }
            return AckKind.NEW;
        }
        if (consecutiveTimeouts > 0 && oldWindow < mss && sndWnd >= mss && ack == sndUna && hasOutstanding()) {
            // The timeouts were probing a closed window (the guest dropped the retransmissions as
            // out of window), not losing segments: now that the window is open, resend at once
            // instead of after the backed-off timeout, which may be a minute away.
            consecutiveTimeouts = 0;
            rtt.resetBackoff();
            sndNxt = sndUna;
            emitRetransmit(sndUna, Math.min(mss, dataEnd() - sndUna), out);
            return AckKind.WINDOW_OPENED;
        }
        // ack == SND.UNA (or slightly old): duplicate-ACK detection, RFC 5681 section 2
        boolean sackNews = sack.sackedBytes() > sackedBefore;
        boolean candidate = ack == sndUna && hasOutstanding() && seg.payloadLength() == 0
                && !seg.has(TcpSegment.SYN) && !seg.has(TcpSegment.FIN) && (!windowChanged || sackNews);
        if (!candidate) {
            return AckKind.OLD;
        }
        dupAcks++;
        if (inRecovery) {
            cc.onDupAckInRecovery();
            retransmitHoles(out, 2);
            return AckKind.DUPLICATE;
        }
        boolean lossBySack = sackOn && sack.sackedBytes() >= 3 * mss;
        if (dupAcks >= 3 || lossBySack) {
            inRecovery = true;
            recover = sndMax;
            highRxt = sndUna;
            cc.onEnterRecovery(sndNxt - sndUna);
            retransmitAt(sndUna, out);
            retransmitHoles(out, 1);
            return AckKind.FAST_RETRANSMIT;
        }
        return AckKind.DUPLICATE;
    }

    /** Retransmits up to {@code budget} SACK holes above the last retransmitted one. */
    private void retransmitHoles(SegmentEmitter out, int budget) {
        if (!sackOn || sack.isEmpty()) {
            return;
        }
        int from = Seq.max(highRxt, sndUna);
        while (budget-- > 0) {
            int hole = sack.nextHole(from, holeEnd);
            if (!Seq.lt(hole, holeEnd[0]) || !Seq.lt(hole, recover)) {
                return;
            }
            int len = Math.min(mss, holeEnd[0] - hole);
            emitRetransmit(hole, len, out);
            from = hole + len;
        }
    }

    private void retransmitAt(int seq, SegmentEmitter out) {
        int len = Math.min(mss, dataEnd() - seq);
        if (sackOn) {
            int hole = sack.nextHole(seq, holeEnd);
            if (hole == seq && Seq.lt(seq, holeEnd[0])) {
                len = Math.min(len, holeEnd[0] - seq);
            }
        }
        emitRetransmit(seq, Math.max(0, len), out);
    }

    private void emitRetransmit(int seq, int len, SegmentEmitter out) {
        boolean fin = finQueued && seq + len == dataEnd() && finSent();
        if (len == 0 && !fin) {
            return;
        }
        out.emitData(seq, seq - bufSeq, len, fin, true);
        if (timing && Seq.le(seq, rtSeq) && Seq.gt(seq + len, rtSeq)) {
            timing = false; // Karn: never time a retransmitted segment
        }
        int end = seq + len + (fin ? 1 : 0);
        highRxt = Seq.max(highRxt, end);
        if (Seq.gt(end, sndNxt)) {
            sndNxt = end;
        }
        // A retransmission may carry bytes never sent before (the first transmission was cut
        // short by the window and more data has been queued since): they are sent now, and the
        // guest's ACK of them must not be refused as acknowledging something not yet sent.
        sndMax = Seq.max(sndMax, sndNxt);
    }

    /** A retransmission timeout: collapse the window, rewind to SND.UNA, resend its segment (RFC 6298 5.4-5.6). */
    void onTimeout(SegmentEmitter out) {
        cc.onRetransmitTimeout(sndMax - sndUna);
        inRecovery = false;
        dupAcks = 0;
        if (consecutiveTimeouts >= 2) {
            sack.clear(); // the receiver may have reneged (RFC 2018 section 8): stop trusting SACKs
        }
        timing = false;
        rtt.backOff();
        sndNxt = sndUna;
        highRxt = sndUna;
        emitRetransmit(sndUna, Math.min(mss, dataEnd() - sndUna), out);
    }

    /**
     * Sends new data (and the FIN once all data is out) as far as the peer's window and the
     * congestion window allow, with sender-side silly window avoidance (RFC 9293 3.8.6.2.1).
     */
    void transmit(long now, SegmentEmitter out) {
        while (true) {
            int limit = Integer.MAX_VALUE;
            if (sackOn && Seq.lt(sndNxt, sndMax) && !sack.isEmpty()) {
                // resending after a timeout: skip what the guest has SACKed (RFC 6675 section 5.1)
                int hole = sack.nextHole(sndNxt, holeEnd);
                if (Seq.lt(hole, holeEnd[0])) {
                    limit = holeEnd[0] - hole;
                }
                sndNxt = Seq.min(hole, sndMax);
            }
            int avail = dataEnd() - sndNxt;
            int inFlight = sndNxt - sndUna;
            if (avail > 0) {
                int room = Math.min(sndWnd, cc.cwnd()) - inFlight;
                if (room <= 0) {
                    return;
                }
                int len = Math.min(Math.min(mss, limit), Math.min(avail, room));
                if (len < mss && len < avail && len < limit && len < maxSndWnd / 2 && inFlight > 0) {
                    return; // wait for more window rather than send a runt
                }
                boolean fin = finQueued && len == avail;
                if (!timing && sndNxt == sndMax) {
                    timing = true;
                    rtSeq = sndNxt;
                    rtTime = now;
                }
                out.emitData(sndNxt, sndNxt - bufSeq, len, fin, Seq.lt(sndNxt, sndMax));
                sndNxt += len + (fin ? 1 : 0);
                sndMax = Seq.max(sndMax, sndNxt);
                if (fin) {
                    return;
                }
            } else if (avail == 0 && finQueued && sndNxt == dataEnd()) {
                out.emitData(sndNxt, sndNxt - bufSeq, 0, true, Seq.lt(sndNxt, sndMax));
                sndNxt += 1;
                sndMax = Seq.max(sndMax, sndNxt);
                return;
            } else {
                return;
            }
        }
    }
}
