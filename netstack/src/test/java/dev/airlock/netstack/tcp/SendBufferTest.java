package dev.airlock.netstack.tcp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The send buffer against a plain byte array: whatever mix of kept and copied writes, any slice
 * taken for a segment holds exactly the bytes at that offset, acknowledged bytes go, and every
 * buffer it was given or allocated is released once nothing refers to it.
 */
class SendBufferTest {
    @Test
    void slicesMatchWhatWasWrittenAcrossKeptAndCopiedPieces() {
        Random r = new Random(5);
        SendBuffer sb = new SendBuffer();
        ByteArrayOutputStream reference = new ByteArrayOutputStream();
        int discarded = 0;
        List<ByteBuf> given = new ArrayList<>();
        for (int round = 0; round < 3000; round++) {
            int op = r.nextInt(10);
            if (op < 5) {
                byte[] data = new byte[r.nextInt(4) == 0 ? 1 + r.nextInt(100) : 1 + r.nextInt(70_000)];
                r.nextBytes(data);
                // a buffer the size of its bytes (kept when large) or a sparse one (always copied)
                int room = r.nextBoolean() ? 0 : data.length * 3;
                ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(data.length + room).writeBytes(data);
                given.add(b);
                sb.append(b);
                reference.writeBytes(data);
            } else if (op < 8 && sb.size() > 0) {
                int offset = r.nextInt(sb.size());
                int len = 1 + r.nextInt(Math.min(sb.size() - offset, 70_000));
                CompositeByteBuf c = PooledByteBufAllocator.DEFAULT.compositeBuffer(1024);
                sb.addSlices(offset, len, c);
                byte[] got = new byte[len];
                c.getBytes(0, got);
                byte[] all = reference.toByteArray();
                byte[] want = java.util.Arrays.copyOfRange(all, discarded + offset, discarded + offset + len);
                assertArrayEquals(want, got, "slice at " + offset + "+" + len + " in round " + round);
                c.release();
            } else if (sb.size() > 0) {
                int n = r.nextInt(sb.size() + 1);
                sb.discard(n);
                discarded += n;
            }
            assertEquals(reference.size() - discarded, sb.size());
        }
        sb.clear();
        for (ByteBuf b : given) {
            assertEquals(0, b.refCnt(), "every buffer handed to the send buffer is released in the end");
        }
    }

    @Test
    void smallWritesAreCoalescedAndLargeDenseOnesKept() {
        SendBuffer sb = new SendBuffer();
        ByteBuf big = Unpooled.directBuffer(8192).writeZero(8192);
        sb.append(big);
        assertEquals(1, big.refCnt(), "a large, full buffer is kept, not copied");
        ByteBuf sparse = Unpooled.directBuffer(65536).writeZero(4096);
        sb.append(sparse);
        assertEquals(0, sparse.refCnt(), "a buffer mostly empty is copied and released: it would pin 16x its bytes");
        ByteBuf small = Unpooled.directBuffer(100).writeZero(100);
        sb.append(small);
        assertEquals(0, small.refCnt());
        assertEquals(8192 + 4096 + 100, sb.size());
        sb.discard(8192);
        assertEquals(0, big.refCnt(), "acknowledged pieces are released");
        sb.clear();
    }
}
