package dev.airlock.netstack.tcp;

/**
 * NewReno (RFC 5681 + RFC 6582): slow start with appropriate byte counting (RFC 3465, L = 2
 * SMSS), additive increase in congestion avoidance, halving on loss, window inflation during
 * fast recovery, one segment after a timeout. Initial window per RFC 6928.
 */
final class NewReno implements CongestionControl {
    private final int smss;
    private int cwnd;
    private int ssthresh = Integer.MAX_VALUE;
    private int avoidanceCredit;

    NewReno(int smss) {
        this.smss = smss;
        this.cwnd = Math.min(10 * smss, Math.max(2 * smss, 14_600));
    }

    @Override
    public int cwnd() {
        return cwnd;
    }

    @Override
    public int ssthresh() {
        return ssthresh;
    }

    @Override
    public void onAck(int ackedBytes) {
        if (cwnd < ssthresh) {
            cwnd = grow(cwnd, Math.min(ackedBytes, 2 * smss));
        } else {
            avoidanceCredit += ackedBytes;
            if (avoidanceCredit >= cwnd) {
                avoidanceCredit -= cwnd;
                cwnd = grow(cwnd, smss);
            }
        }
    }

    @Override
    public void onEnterRecovery(int flight) {
        ssthresh = Math.max(flight / 2, 2 * smss);
        cwnd = ssthresh + 3 * smss;
    }

    @Override
    public void onDupAckInRecovery() {
        cwnd = grow(cwnd, smss);
    }

    @Override
    public void onPartialAck(int ackedBytes) {
        cwnd = Math.max(smss, cwnd - ackedBytes + smss);
    }

    @Override
    public void onExitRecovery(int flight) {
        cwnd = Math.max(smss, Math.min(ssthresh, flight + smss));
        avoidanceCredit = 0;
    }

    @Override
    public void onRetransmitTimeout(int flight) {
        ssthresh = Math.max(flight / 2, 2 * smss);
        cwnd = smss;
        avoidanceCredit = 0;
    }

    private static int grow(int value, int by) {
        long v = (long) value + by;
        return (int) Math.min(v, 1 << 30);
    }
}
