package dev.airlock.netstack.link;

import io.netty.buffer.ByteBuf;

/**
 * A frame port: the one interface between the stack and whatever carries its Ethernet frames
 * (a TAP device, a virtio-net queue, a stream socket, a test harness). Endpoints may wrap each
 * other (see {@link LossyLink}).
 */
public interface LinkEndpoint extends AutoCloseable {
    /** The largest IP packet the link carries (the L3 MTU, 1500 for Ethernet). */
    int mtu();

    /**
     * True when whatever receives this link's frames completes TCP checksums itself, so the
     * stack writes only the pseudo-header sum into outgoing TCP segments (the virtio-net
     * NEEDS_CSUM convention; the TAP port marks the frames so). Saves a pass over every byte.
     */
    default boolean completesTcpChecksums() {
        return false;
    }

    /** Starts delivering inbound frames to {@code receiver}. Called once. */
    void start(FrameReceiver receiver);

    /**
     * Sends one frame toward the guest and takes ownership of it. Called from the stack thread;
     * must not block for long and must not throw for I/O failures (count them instead).
     */
    void writeFrame(ByteBuf frame);

    /** Stops delivery and releases the port. Idempotent. */
    @Override
    void close();
}
