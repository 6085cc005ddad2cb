package dev.airlock.netstack.tcp;

/** Retransmission timeout per RFC 6298: SRTT/RTTVAR smoothing, clock-bounded RTO, exponential backoff. */
final class RttEstimator {
    private final long minRto;
    private final long maxRto;
    private long srtt = -1;
    private long rttvar;
    private long rto;
    private int backoff;

    RttEstimator(long initialRto, long minRto, long maxRto) {
        this.minRto = minRto;
        this.maxRto = maxRto;
        this.rto = initialRto;
    }

    /** Adds one RTT measurement in milliseconds (RFC 6298 2.2/2.3) and clears the backoff. */
    void sample(long rttMillis) {
        long r = Math.max(1, rttMillis);
        if (srtt < 0) {
            srtt = r;
            rttvar = r / 2;
        } else {
            rttvar = (3 * rttvar + Math.abs(srtt - r)) / 4;
            srtt = (7 * srtt + r) / 8;
        }
        rto = Math.clamp(srtt + Math.max(1, 4 * rttvar), minRto, maxRto);
        backoff = 0;
    }

    /** The current timeout including backoff (RFC 6298 5.5). */
    long rto() {
        return Math.min(maxRto, rto << Math.min(backoff, 16));
    }

    void backOff() {
        backoff++;
    }

    void resetBackoff() {
        backoff = 0;
    }

    long srtt() {
        return srtt;
    }
}
