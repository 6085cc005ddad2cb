package dev.airlock.netstack;

import io.netty.buffer.ByteBuf;

/** A network protocol the Ethernet layer dispatches to by EtherType. */
@FunctionalInterface
public interface NetworkReceiver {
    /**
     * Handles the L3 packet at absolute {@code offset} of at most {@code length} bytes. The
     * buffer belongs to the caller. Must not throw on bad contents. {@code checksumTrusted}:
     * the link vouches for the transport checksum (see {@code FrameReceiver#receiveTrustedFrame}).
     */
    void receive(ByteBuf frame, int offset, int length, boolean checksumTrusted);
}
