package dev.airlock.netstack;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.EventLoop;

/** What every layer of one stack shares: configuration, counters, the stack thread, a clock. */
public final class StackContext {
    private final StackConfig config;
    private final NetstackCounters counters;
    private final EventLoop loop;
    private final long epochNanos = System.nanoTime();

    public StackContext(StackConfig config, NetstackCounters counters, EventLoop loop) {
        this.config = config;
        this.counters = counters;
        this.loop = loop;
    }

    public StackConfig config() {
        return config;
    }

    public NetstackCounters counters() {
        return counters;
    }

    /** The single thread that owns all mutable stack state. */
    public EventLoop loop() {
        return loop;
    }

    /** Monotonic milliseconds since the stack started. */
    public long nowMillis() {
        return (System.nanoTime() - epochNanos) / 1_000_000;
    }

    /**
     * A buffer with {@code headroom} bytes reserved in front and room for {@code capacity} after.
     * Pooled, heap: outgoing packets built here are headers and small messages (a TCP segment's
     * payload travels as slices of the send buffer), which the TAP port copies behind the
     * virtio-net header in one native buffer anyway.
     */
    public ByteBuf allocate(int headroom, int capacity) {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.heapBuffer(headroom + capacity);
        b.writerIndex(headroom);
        b.readerIndex(headroom);
        return b;
    }
}
