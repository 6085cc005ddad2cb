package dev.airlock.netstack.tcp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The receive half of a connection: RCV.NXT, the bounded receive buffer, out-of-order
 * reassembly, the FIN position, SACK blocks to report and the window to advertise. Positions
 * are kept as 64-bit offsets from the initial sequence number so reassembly never compares
 * across a wrap.
 */
final class TcpReceiver {
    private final int bufferLimit;
    private final int maxOutOfOrder;
    final int irs;
    private int rcvNxt;
    private long nxtPos; // bytes (incl. SYN) since irs
    private final ArrayDeque<ByteBuf> ready = new ArrayDeque<>();
    private int readyBytes;
    private final TreeMap<Long, ByteBuf> outOfOrder = new TreeMap<>();
    private int outOfOrderBytes;
    private long lastOutOfOrderPos = -1;
    private long finPos = -1;
    private boolean finReceived;
    private int rightEdgeAdvertised; // RCV.NXT + window in the last segment we sent

    TcpReceiver(int irs, int bufferLimit, int maxOutOfOrder) {
        this.irs = irs;
        this.rcvNxt = irs + 1;
        this.nxtPos = 1;
        this.bufferLimit = bufferLimit;
        this.maxOutOfOrder = maxOutOfOrder;
        this.rightEdgeAdvertised = rcvNxt;
    }

    int rcvNxt() {
        return rcvNxt;
    }

    boolean finReceived() {
        return finReceived;
    }

    int readyBytes() {
        return readyBytes;
    }

    boolean hasOutOfOrder() {
        return !outOfOrder.isEmpty();
    }

    /** The receive window: free buffer space, never moving the right edge left (RFC 9293 3.8.6.2.2). */
    int window() {
        int free = Math.max(0, bufferLimit - readyBytes);
        int promised = rightEdgeAdvertised - rcvNxt;
        return Math.max(free, Math.max(0, promised));
    }

    /** The window most recently advertised (for the acceptability test, RFC 9293 3.10.7.4). */
    int advertisedWindow() {
        return Math.max(0, rightEdgeAdvertised - rcvNxt);
    }

    /** Records the window carried by a segment we are sending. */
    void advertised(int window) {
        rightEdgeAdvertised = rcvNxt + window;
    }

    /**
     * True when the window has opened enough since the last advertisement that the guest should
     * hear about it now (receiver-side SWS avoidance, RFC 9293 3.8.6.2.2).
     */
    boolean windowUpdateDue(int mss, int maxWindow) {
        int grown = Math.min(window(), maxWindow) - advertisedWindow();
        return grown > 0 && (grown >= Math.min(bufferLimit / 2, 2 * mss) || (advertisedWindow() < mss && Math.min(window(), maxWindow) >= mss));
    }

    /** RFC 9293 acceptability of a segment starting at {@code seq} and occupying {@code len}. */
    boolean acceptable(int seq, int len) {
        int wnd = advertisedWindow();
        if (len == 0) {
            return wnd == 0 ? seq == rcvNxt : Seq.inRange(seq, rcvNxt, rcvNxt + wnd);
        }
        if (wnd == 0) {
            return seq == rcvNxt; // zero window: still take the ACK of a probe; its text is trimmed
        }
        return Seq.inRange(seq, rcvNxt, rcvNxt + wnd) || Seq.inRange(seq + len - 1, rcvNxt, rcvNxt + wnd);
    }

    /** Outcome of {@link #accept}. */
    enum Result { IN_ORDER, OUT_OF_ORDER, DUPLICATE, QUEUE_FULL }

    /**
     * Takes the text (and FIN) of an acceptable segment: trims it to the window, buffers
     * in-order bytes, queues out-of-order bytes, and advances RCV.NXT over anything now
     * contiguous, including a FIN. Copies what it keeps.
     */
    Result accept(int seq, ByteBuf buf, int offset, int length, boolean fin) {
        long start = nxtPos + (seq - rcvNxt);
        long end = start + length;
        long right = nxtPos + window();
        if (end > right) {
            length -= (int) (end - right);
            end = right;
            fin = false;
        }
        if (start < nxtPos) {
            int skip = (int) Math.min(length, nxtPos - start);
            offset += skip;
            length -= skip;
            start = nxtPos;
        }
        if (fin) {
            finPos = end;
        }
        Result result;
        if (length <= 0) {
            result = fin && end == nxtPos ? Result.IN_ORDER : Result.DUPLICATE;
        } else if (start == nxtPos) {
            append(buf, offset, length);
            drainOutOfOrder();
            result = Result.IN_ORDER;
        } else {
            result = queueOutOfOrder(start, buf, offset, length);
        }
        if (finPos >= 0 && nxtPos == finPos && !finReceived) {
            finReceived = true;
            nxtPos++;
            rcvNxt++;
            clearOutOfOrder();
        }
        return result;
    }

    private void append(ByteBuf buf, int offset, int length) {
        // A segment that fills most of its frame's buffer is kept where it is (no copy); a small
        // one is copied, so buffered bytes never pin much more memory than they are.
        ready.add(2L * length >= buf.capacity() ? buf.retainedSlice(offset, length) : Unpooled.copiedBuffer(buf.slice(offset, length)));
        readyBytes += length;
        nxtPos += length;
        rcvNxt += length;
    }

    private Result queueOutOfOrder(long start, ByteBuf buf, int offset, int length) {
        long end = start + length;
        Map.Entry<Long, ByteBuf> before = outOfOrder.floorEntry(start);
        if (before != null) {
            long bEnd = before.getKey() + before.getValue().readableBytes();
            if (bEnd >= end) {
                return Result.DUPLICATE;
            }
            if (bEnd > start) {
                offset += (int) (bEnd - start);
                start = bEnd;
            }
        }
        // later entries entirely covered by the new piece go; a partial overlap trims the new piece
        Iterator<Map.Entry<Long, ByteBuf>> it = outOfOrder.tailMap(start, true).entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Long, ByteBuf> e = it.next();
            if (e.getKey() >= end) {
                break;
            }
            long eEnd = e.getKey() + e.getValue().readableBytes();
            if (eEnd <= end) {
                outOfOrderBytes -= e.getValue().readableBytes();
                e.getValue().release();
                it.remove();
            } else {
                end = e.getKey();
                break;
            }
        }
        int len = (int) (end - start);
        if (len <= 0) {
            return Result.DUPLICATE;
        }
        if (outOfOrder.size() >= maxOutOfOrder) {
            return Result.QUEUE_FULL;
        }
        outOfOrder.put(start, Unpooled.copiedBuffer(buf.slice(offset, len)));
        outOfOrderBytes += len;
        lastOutOfOrderPos = start;
        return Result.OUT_OF_ORDER;
    }

    private void drainOutOfOrder() {
        while (!outOfOrder.isEmpty()) {
            Map.Entry<Long, ByteBuf> first = outOfOrder.firstEntry();
            if (first.getKey() > nxtPos) {
                return;
            }
            outOfOrder.pollFirstEntry();
            ByteBuf piece = first.getValue();
            outOfOrderBytes -= piece.readableBytes();
            long pEnd = first.getKey() + piece.readableBytes();
            if (pEnd > nxtPos) {
                int skip = (int) (nxtPos - first.getKey());
                piece.skipBytes(skip);
                int n = piece.readableBytes();
                ready.add(piece);
                readyBytes += n;
                nxtPos += n;
                rcvNxt += n;
            } else {
                piece.release();
            }
        }
    }

    /** Takes the next in-order chunk for the application, or null. */
    ByteBuf poll() {
        ByteBuf b = ready.poll();
        if (b != null) {
            readyBytes -= b.readableBytes();
        }
        return b;
    }

    /**
     * Writes up to {@code max} SACK blocks (start, end pairs) into {@code out}, the block holding
     * the most recent out-of-order arrival first (RFC 2018 section 4). Returns the count.
     */
    int sackBlocks(int[] out, int max) {
        if (outOfOrder.isEmpty()) {
            return 0;
        }
        int n = 0;
        long firstStart = -1;
        long firstEnd = -1;
        // merge adjacent pieces into blocks
        long bStart = -1;
        long bEnd = -1;
        long[] blocks = new long[2 * Math.min(outOfOrder.size(), 64)];
        int count = 0;
        for (Map.Entry<Long, ByteBuf> e : outOfOrder.entrySet()) {
            long s = e.getKey();
            long t = s + e.getValue().readableBytes();
            if (bStart >= 0 && s <= bEnd) {
                bEnd = Math.max(bEnd, t);
                continue;
            }
            if (bStart >= 0 && count < blocks.length / 2) {
                blocks[2 * count] = bStart;
                blocks[2 * count + 1] = bEnd;
                count++;
            }
            bStart = s;
            bEnd = t;
        }
        if (bStart >= 0 && count < blocks.length / 2) {
            blocks[2 * count] = bStart;
            blocks[2 * count + 1] = bEnd;
            count++;
        }
        for (int i = 0; i < count; i++) {
            if (blocks[2 * i] <= lastOutOfOrderPos && lastOutOfOrderPos < blocks[2 * i + 1]) {
                firstStart = blocks[2 * i];
                firstEnd = blocks[2 * i + 1];
            }
        }
        if (firstStart >= 0) {
            out[0] = seqOf(firstStart);
            out[1] = seqOf(firstEnd);
            n = 1;
        }
        for (int i = 0; i < count && n < max; i++) {
            if (blocks[2 * i] == firstStart) continue;
            out[2 * n] = seqOf(blocks[2 * i]);
            out[2 * n + 1] = seqOf(blocks[2 * i + 1]);
            n++;
        }
        return n;
    }

    private int seqOf(long pos) {
        return rcvNxt + (int) (pos - nxtPos);
    }

    private void clearOutOfOrder() {
        for (ByteBuf b : outOfOrder.values()) {
            b.release();
        }
        outOfOrder.clear();
        outOfOrderBytes = 0;
    }

    /** Releases everything held (connection gone). */
    void release() {
        clearOutOfOrder();
        ByteBuf b;
        while ((b = ready.poll()) != null) {
            b.release();
        }
        readyBytes = 0;
    }

    /** Discards undelivered input (after the application closed). */
    void discardReady() {
        ByteBuf b;
        while ((b = ready.poll()) != null) {
            b.release();
        }
        readyBytes = 0;
    }
}
