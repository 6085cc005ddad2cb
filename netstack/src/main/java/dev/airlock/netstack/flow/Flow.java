package dev.airlock.netstack.flow;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;

/**
 * One guest connection as a byte stream with backpressure in both directions, in the shape of
 * a Netty channel (auto-read, writability), so a Netty {@code Channel} can wrap it.
 *
 * <p>Methods may be called from any thread; calls from other threads are handed to the stack
 * thread ({@link #executor()}) and take effect in call order.
 *
 * <p>Guest → handler: bytes are delivered while auto-read is on. With auto-read off they stay
 * in the bounded receive buffer and the advertised TCP window shrinks to zero, so a slow
 * consumer slows the guest instead of growing memory. Handler → guest: {@link #write} queues
 * bytes; {@link #isWritable()} turns false when the queue exceeds the send-buffer size and back
 * to true (with {@link FlowHandler#onWritabilityChanged}) when it drains below half.
 */
public interface Flow {
    FlowId id();

    /** The stack thread; all handler callbacks run on it. */
    EventExecutor executor();

    /** Queues bytes toward the guest and takes ownership of {@code data}. Ignored (and released) after output shutdown. */
    void write(ByteBuf data);

    boolean isWritable();

    /** Bytes queued toward the guest and not yet acknowledged. */
    int pendingOutboundBytes();

    /** Turns delivery of guest bytes on or off (Netty's auto-read). */
    void setAutoRead(boolean autoRead);

    boolean isAutoRead();

    /** Sends FIN after all queued bytes (TCP half-close); reading continues. */
    void shutdownOutput();

    /** Graceful close: {@link #shutdownOutput()} and stop delivering input (later guest bytes are discarded). */
    void close();

    /** Abortive close: sends RST now and discards queued bytes. */
    void abort();

    /** True until the flow has closed. */
    boolean isActive();
}
