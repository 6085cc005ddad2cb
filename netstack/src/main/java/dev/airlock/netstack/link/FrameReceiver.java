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
}
