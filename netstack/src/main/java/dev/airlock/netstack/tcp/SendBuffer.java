package dev.airlock.netstack.tcp;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * Bytes queued toward the guest, from the oldest unacknowledged byte on. Stored in fixed-size
 * chunks so that any offset is found in constant time when segments are (re)built.
 */
final class SendBuffer {
    private static final int CHUNK = 16 * 1024;

    private final List<byte[]> chunks = new ArrayList<>();
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
                chunks.add(new byte[CHUNK]);
            }
            int in = p % CHUNK;
            int take = Math.min(n, CHUNK - in);
            data.getBytes(from, chunks.get(idx), in, take);
            from += take;
            n -= take;
            size += take;
        }
    }

    /** Copies {@code len} bytes starting {@code offset} bytes after the oldest byte into {@code out}. */
    void copyTo(int offset, int len, ByteBuf out) {
        int pos = head + offset;
        while (len > 0) {
            byte[] c = chunks.get(pos / CHUNK);
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
            chunks.removeFirst();
            head -= CHUNK;
        }
        if (size == 0) {
            chunks.clear();
            head = 0;
        }
    }

    void clear() {
        chunks.clear();
        head = 0;
        size = 0;
    }
}
