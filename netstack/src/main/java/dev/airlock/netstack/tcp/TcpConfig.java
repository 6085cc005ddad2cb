package dev.airlock.netstack.tcp;

/**
 * TCP limits and timers of one stack.
 *
 * @param receiveBuffer bytes buffered per connection toward the handler; the advertised window never exceeds it
 * @param sendBuffer bytes queued per connection toward the guest before {@code isWritable()} turns false;
 *        it holds the bytes in flight, so it caps a download's window: 1 MiB (256 KiB before)
 *        took a relayed download from 9.6 to 11.5 Gbit/s (docs/benchmarks.md). Memory is only
 *        held while a guest reads slower than its upstream sends, and pieces are shared with
 *        the upstream's buffers, not copies
 * @param maxConnections connections in the table (all states, TIME_WAIT included)
 * @param maxPendingSyns half-open connections at once — decision pending or SYN-ACK unanswered (the SYN backlog)
 * @param decisionTimeoutMillis how long a decision may take before the SYN is refused (fail closed)
 * @param initialRtoMillis RTO before any RTT sample (RFC 6298 says 1 s)
 * @param minRtoMillis lower RTO bound (RFC 6298 says 1 s; Linux and this stack use 200 ms)
 * @param maxRtoMillis upper RTO bound after backoff
 * @param maxRetransmits consecutive retransmission timeouts before the connection is aborted
 * @param timeWaitMillis TIME_WAIT duration (2 MSL)
 * @param delayedAckMillis delayed-ACK timer (RFC 9293 requires under 500 ms)
 * @param keepAliveIdleMillis idle time before keepalive probes; 0 turns keepalive off
 * @param keepAliveIntervalMillis time between unanswered keepalive probes
 * @param keepAliveProbes unanswered probes before the connection is aborted
 * @param maxOutOfOrderSegments out-of-order segments held per connection
 * @param challengeAcksPerSecond RFC 5961 challenge ACK rate limit per stack
 */
public record TcpConfig(int receiveBuffer, int sendBuffer, int maxConnections, int maxPendingSyns,
                        long decisionTimeoutMillis, long initialRtoMillis, long minRtoMillis, long maxRtoMillis,
                        int maxRetransmits, long timeWaitMillis, long delayedAckMillis, long keepAliveIdleMillis,
                        long keepAliveIntervalMillis, int keepAliveProbes, int maxOutOfOrderSegments,
                        int challengeAcksPerSecond) {

    public static final TcpConfig DEFAULT = new TcpConfig(256 * 1024, 1024 * 1024, 4096, 256, 10_000, 1_000, 200,
            60_000, 12, 30_000, 40, 0, 75_000, 9, 256, 1000);

    public TcpConfig withTimeWaitMillis(long ms) {
        return new TcpConfig(receiveBuffer, sendBuffer, maxConnections, maxPendingSyns, decisionTimeoutMillis,
                initialRtoMillis, minRtoMillis, maxRtoMillis, maxRetransmits, ms, delayedAckMillis,
                keepAliveIdleMillis, keepAliveIntervalMillis, keepAliveProbes, maxOutOfOrderSegments,
                challengeAcksPerSecond);
    }

    public TcpConfig withBuffers(int receive, int send) {
        return new TcpConfig(receive, send, maxConnections, maxPendingSyns, decisionTimeoutMillis,
                initialRtoMillis, minRtoMillis, maxRtoMillis, maxRetransmits, timeWaitMillis, delayedAckMillis,
                keepAliveIdleMillis, keepAliveIntervalMillis, keepAliveProbes, maxOutOfOrderSegments,
                challengeAcksPerSecond);
    }

    public TcpConfig withLimits(int maxConnections, int maxPendingSyns, long decisionTimeoutMillis) {
        return new TcpConfig(receiveBuffer, sendBuffer, maxConnections, maxPendingSyns, decisionTimeoutMillis,
                initialRtoMillis, minRtoMillis, maxRtoMillis, maxRetransmits, timeWaitMillis, delayedAckMillis,
                keepAliveIdleMillis, keepAliveIntervalMillis, keepAliveProbes, maxOutOfOrderSegments,
                challengeAcksPerSecond);
    }

    public TcpConfig withKeepAlive(long idleMillis, long intervalMillis, int probes) {
        return new TcpConfig(receiveBuffer, sendBuffer, maxConnections, maxPendingSyns, decisionTimeoutMillis,
                initialRtoMillis, minRtoMillis, maxRtoMillis, maxRetransmits, timeWaitMillis, delayedAckMillis,
                idleMillis, intervalMillis, probes, maxOutOfOrderSegments, challengeAcksPerSecond);
    }

    public TcpConfig withRetransmits(long initialRtoMillis, int maxRetransmits) {
        return new TcpConfig(receiveBuffer, sendBuffer, maxConnections, maxPendingSyns, decisionTimeoutMillis,
                initialRtoMillis, minRtoMillis, maxRtoMillis, maxRetransmits, timeWaitMillis, delayedAckMillis,
                keepAliveIdleMillis, keepAliveIntervalMillis, keepAliveProbes, maxOutOfOrderSegments,
                challengeAcksPerSecond);
    }
}
