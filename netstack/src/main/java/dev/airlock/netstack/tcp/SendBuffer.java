package dev.airlock.netstack.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;

/**
 * Bytes queued toward the guest, from the oldest unacknowledged byte on, as a sequence of
 * pieces. Segments carry slices of the pieces, never copies.
 *
 * <p>A written buffer that is large and fills at least half of the memory it pins (a socket read
 * of a relayed upstream, a large payload slice of a guest frame) is kept as it is: its bytes are
 * copied neither on the way in nor on the way out (the TAP port writes header and payload
 * slices with one gather write). Smaller or sparse buffers are copied into chunks of our own and
 * coalesced, so the buffer never pins more than about twice the bytes it holds (the rule the
 * receive side uses too) and a stream of tiny writes does not become a long list of pieces.
 * Pieces go back to their pool once acknowledged.
 */
final class SendBuffer {
    /** Size of the chunks that small writes are copied into. */
    private static final int CHUNK = 16 * 1024;
    /** Buffers shorter than this are copied: each piece costs a slice and an iovec per segment. */
    private static final int KEEP_AT_LEAST = 2048;
    private static final ByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;

    // A ring of pieces, oldest first; starts[i] is the stream position of pieces[i]'s first
    // readable byte. Stream positions count every byte ever appended, so they only grow.
    private ByteBuf[] pieces = new ByteBuf[16];
    private long[] starts = new long[16];
    private int first;
    private int count;
    /** Stream position of the oldest byte held. */
    private long base;
    private int size;
    /** Our own chunk at the end, which small writes fill while it has room; null otherwise. */
    private ByteBuf tail;

    int size() {
        return size;
    }

    /** Appends the readable bytes of {@code data}; takes ownership of it. */
    void append(ByteBuf data) {
        int n = data.readableBytes();
        if (n >= KEEP_AT_LEAST && 2L * n >= pinnedBytes(data)) {
            add(data);
            size += n;
            tail = null;
            return;
        }
        int from = data.readerIndex();
        while (n > 0) {
            if (tail == null || !tail.isWritable()) {
                tail = ALLOC.directBuffer(CHUNK, CHUNK);
                add(tail);
            }
            int take = Math.min(n, tail.writableBytes());
            tail.writeBytes(data, from, take);
            from += take;
            n -= take;
            size += take;
        }
        data.release();
    }

    /** The memory {@code b} keeps alive: its own capacity, or that of the buffer it is a view of. */
    private static int pinnedBytes(ByteBuf b) {
        ByteBuf root = b;
        for (ByteBuf u = root.unwrap(); u != null; u = u.unwrap()) {
            root = u;
        }
        return root.capacity();
    }

    private void add(ByteBuf piece) {
        if (count == pieces.length) {
            ByteBuf[] p = new ByteBuf[count * 2];
            long[] s = new long[count * 2];
            for (int i = 0; i < count; i++) {
                p[i] = pieces[slot(i)];
                s[i] = starts[slot(i)];
            }
            pieces = p;
            starts = s;
            first = 0;
        }
        int at = slot(count);
        pieces[at] = piece;
        starts[at] = base + size;
        count++;
    }

    private int slot(int i) {
        return (first + i) % pieces.length;
    }

    /**
     * Adds retained slices of the {@code len} bytes starting {@code offset} bytes after the
     * oldest byte to {@code out}, as components (the bytes are shared, not copied).
     */
    void addSlices(int offset, int len, CompositeByteBuf out) {
        long pos = base + offset;
        int i = pieceAt(pos);
        while (len > 0) {
            ByteBuf p = pieces[slot(i)];
            int in = (int) (pos - starts[slot(i)]);
            int take = Math.min(len, p.readableBytes() - in);
            out.addComponent(true, p.retainedSlice(p.readerIndex() + in, take));
            pos += take;
            len -= take;
            i++;
        }
    }

    /** Index (from the oldest) of the piece holding stream position {@code pos}. */
    private int pieceAt(long pos) {
        int lo = 0;
        int hi = count - 1;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (starts[slot(mid)] <= pos) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    /** Drops the oldest {@code n} bytes (they were acknowledged). */
    void discard(int n) {
        n = Math.min(n, size);
        size -= n;
        base += n;
        while (n > 0) {
            int at = slot(0);
            ByteBuf p = pieces[at];
            int len = p.readableBytes();
            if (n < len) {
                p.skipBytes(n);
                starts[at] += n;
                return;
            }
            n -= len;
            if (p == tail) {
                tail = null; // the next small write starts a new chunk
            }
            p.release();
            pieces[at] = null;
            first = slot(1);
            count--;
        }
    }

    /** Drops everything and gives the pieces back to their pools. */
    void clear() {
        for (int i = 0; i < count; i++) {
            pieces[slot(i)].release();
            pieces[slot(i)] = null;
        }
        first = 0;
        count = 0;
        base += size;
        size = 0;
        tail = null;
    }
}
