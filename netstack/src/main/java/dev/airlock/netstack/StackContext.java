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
     * Pooled: a 64 KiB segment costs neither a freshly zeroed array nor garbage. (Heap, not
     * direct: pooled direct buffers lost data in the kernel echo tests — not understood yet, see
     * docs/benchmarks.md — and the TAP port copies every frame behind its header anyway.)
     */
    public ByteBuf allocate(int headroom, int capacity) {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.heapBuffer(headroom + capacity);
        b.writerIndex(headroom);
        b.readerIndex(headroom);
        return b;
    }
}
