package dev.airlock.netstack.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.ArrayDeque;

/**
 * Bytes queued toward the guest, from the oldest unacknowledged byte on. Stored in fixed-size
 * chunks so that any offset is found in constant time when segments are (re)built. Chunks come
 * from the pooled heap allocator and go back to it once acknowledged: at several Gbit/s a fresh
 * (zeroed, garbage-collected) array per 16 KiB is a measurable share of the stack's time.
 */
final class SendBuffer {
    private static final int CHUNK = 16 * 1024;
    private static final ByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;

    private final ArrayDeque<ByteBuf> chunks = new ArrayDeque<>();
    private ByteBuf[] index = new ByteBuf[0];
    private boolean indexStale;
    private int head; // bytes already discarded from chunks[0]
    private int size;

    int size() {
        return size;
    }

    /** Appends the readable bytes of {@code data} (the caller keeps ownership). */
    void append(ByteBuf data) {
        int n = data.readableBytes();
        int from = data.readerIndex();
        while (n > 0) {
            int p = head + size;
            int idx = p / CHUNK;
            if (idx == chunks.size()) {
                chunks.addLast(ALLOC.heapBuffer(CHUNK, CHUNK));
                indexStale = true;
            }
            int in = p % CHUNK;
            int take = Math.min(n, CHUNK - in);
            chunks.peekLast().setBytes(in, data, from, take);
            from += take;
            n -= take;
            size += take;
        }
    }

    /** Copies {@code len} bytes starting {@code offset} bytes after the oldest byte into {@code out}. */
    void copyTo(int offset, int len, ByteBuf out) {
        int pos = head + offset;
        ByteBuf[] at = chunkIndex();
        while (len > 0) {
            ByteBuf c = at[pos / CHUNK];
            int in = pos % CHUNK;
            int take = Math.min(len, CHUNK - in);
            out.writeBytes(c, in, take);
            pos += take;
            len -= take;
        }
    }

    /** Drops the oldest {@code n} bytes (they were acknowledged). */
    void discard(int n) {
        n = Math.min(n, size);
        size -= n;
        head += n;
        while (head >= CHUNK && !chunks.isEmpty()) {
            chunks.removeFirst().release();
            indexStale = true;
            head -= CHUNK;
        }
        if (size == 0) {
            clear();
        }
    }

    /** Drops everything and gives the chunks back to the pool. */
    void clear() {
        ByteBuf c;
        while ((c = chunks.pollFirst()) != null) {
            c.release();
        }
        indexStale = true;
        head = 0;
        size = 0;
    }

    private ByteBuf[] chunkIndex() {
        if (indexStale) {
            index = chunks.toArray(index.length >= chunks.size() ? index : new ByteBuf[chunks.size()]);
            indexStale = false;
        }
        return index;
    }
}
