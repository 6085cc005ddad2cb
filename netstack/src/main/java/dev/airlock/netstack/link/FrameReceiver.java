package dev.airlock.netstack.link;

import io.netty.buffer.ByteBuf;

/** Where a link endpoint delivers inbound Ethernet frames. */
@FunctionalInterface
public interface FrameReceiver {
    /**
     * Takes ownership of {@code frame} (readable bytes = one Ethernet frame, no FCS). May be
     * called from any thread; implementations must never throw on bad frame contents.
     */
    void receiveFrame(ByteBuf frame);

    /**
     * Takes ownership of a frame whose TCP/UDP checksum the link vouches for and which the
     * receiver need not verify: the sender (the guest's kernel) left it to the device (virtio-net
     * NEEDS_CSUM, so the field holds only the pseudo-header sum) or had it verified (DATA_VALID),
     * and there is no wire between it and the stack to corrupt the bytes. Only called when
     * {@link #takesTrustedFrames()}; a link whose receiver does not take them completes
     * NEEDS_CSUM checksums itself and calls {@link #receiveFrame}.
     */
    default void receiveTrustedFrame(ByteBuf frame) {
        receiveFrame(frame);
    }

    /** True when {@link #receiveTrustedFrame} skips the checksum (the stack's own receiver). */
    default boolean takesTrustedFrames() {
        return false;
    }
}
