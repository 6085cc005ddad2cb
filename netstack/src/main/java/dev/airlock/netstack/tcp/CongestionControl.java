package dev.airlock.netstack.tcp;

/**
 * Congestion window management as the sender sees it (RFC 5681 events). All sizes in bytes;
 * {@code flight} is the amount of data outstanding when the event happened.
 */
interface CongestionControl {
    int cwnd();

    int ssthresh();

    /** New data acknowledged outside loss recovery. */
    void onAck(int ackedBytes);

    /** Loss detected by duplicate ACKs or SACK: fast retransmit and enter recovery. */
    void onEnterRecovery(int flight);

    /** Another duplicate ACK during recovery (a segment left the network). */
    void onDupAckInRecovery();

    /** An ACK in recovery that covers some but not all data outstanding at loss (RFC 6582). */
    void onPartialAck(int ackedBytes);

    /** Recovery ended with a full ACK. */
    void onExitRecovery(int flight);

    /** A retransmission timeout fired. */
    void onRetransmitTimeout(int flight);
}
