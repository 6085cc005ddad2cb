package dev.airlock.netstack.flow;

import io.netty.buffer.ByteBuf;

/**
 * Receives the events of one accepted flow. Every method runs on the stack thread, must not
 * block, and should not throw (a thrown exception aborts the flow with an RST and is counted).
 * Once an {@link FlowVerdict.Accept} carrying this handler has been returned, the handler gets
 * exactly one {@link #onClosed} — even if the handshake never completes.
 */
public interface FlowHandler {
    /** The three-way handshake completed; data may flow. */
    default void onOpen(Flow flow) {}

    /** In-order bytes from the guest. The handler owns {@code data} and must release it. */
    void onData(Flow flow, ByteBuf data);

    /** The guest sent FIN (shut down its write side) and every byte before it was delivered. */
    default void onInputShutdown(Flow flow) {}

    /** {@link Flow#isWritable()} changed. */
    default void onWritabilityChanged(Flow flow) {}

    /** The flow is gone; no further events follow. */
    default void onClosed(Flow flow, CloseReason reason) {}
}
