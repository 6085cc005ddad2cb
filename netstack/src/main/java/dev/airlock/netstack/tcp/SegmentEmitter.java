package dev.airlock.netstack.tcp;

/** How the sender puts segments on the wire; the connection builds headers, options and the ACK. */
interface SegmentEmitter {
    /**
     * Sends a segment at {@code seq} carrying {@code len} bytes from the send buffer starting
     * {@code bufferOffset} bytes after its oldest byte, with FIN when {@code fin}.
     */
    void emitData(int seq, int bufferOffset, int len, boolean fin, boolean retransmission);
}
