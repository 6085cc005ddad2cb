package dev.airlock.netstack.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** RFC 1071: the bulk paths (heap array, direct memory, word loads) agree with a byte-pair reference. */
class ChecksumTest {
    private static long reference(byte[] b, int off, int len) {
        long sum = 0;
        for (int i = 0; i + 1 < len; i += 2) sum += ((b[off + i] & 0xff) << 8) | (b[off + i + 1] & 0xff);
        if ((len & 1) != 0) sum += (b[off + len - 1] & 0xff) << 8;
        return sum;
    }

    @Test
    void everyBufferKindAndLengthMatchesTheReference() {
        Random r = new Random(7);
        for (int round = 0; round < 2000; round++) {
            int len = r.nextInt(round < 1000 ? 200 : 70_000);
            int off = r.nextInt(16);
            byte[] data = new byte[off + len + 16];
            r.nextBytes(data);
            int expected = Checksum.finish(reference(data, off, len));
            ByteBuf heap = Unpooled.wrappedBuffer(data);
            ByteBuf direct = PooledByteBufAllocator.DEFAULT.directBuffer(data.length).writeBytes(data);
            ByteBuf pooledHeap = PooledByteBufAllocator.DEFAULT.heapBuffer(data.length + 5).writerIndex(5).writeBytes(data);
            ByteBuf composite = Unpooled.wrappedBuffer(Unpooled.wrappedBuffer(data, 0, data.length / 2),
                    Unpooled.wrappedBuffer(data, data.length / 2, data.length - data.length / 2));
            try {
                assertEquals(expected, Checksum.finish(Checksum.add(0, heap, off, len)), "heap " + len);
                assertEquals(expected, Checksum.finish(Checksum.add(0, direct, off, len)), "direct " + len);
                assertEquals(expected, Checksum.finish(Checksum.add(0, pooledHeap, 5 + off, len)), "pooled heap " + len);
                assertEquals(expected, Checksum.finish(Checksum.add(0, composite, off, len)), "composite " + len);
                assertEquals(expected, Checksum.finish(Checksum.add(0, data, off, len)), "array " + len);
            } finally {
                direct.release();
                pooledHeap.release();
            }
        }
    }

    /** A segment as the sender builds it: a heap header and payload slices of direct and heap pieces, split anywhere. */
    @Test
    void compositesOfManyPartsAtOddBoundariesMatchTheReference() {
        Random r = new Random(13);
        for (int round = 0; round < 1000; round++) {
            byte[] data = new byte[1 + r.nextInt(70_000)];
            r.nextBytes(data);
            CompositeByteBuf c = PooledByteBufAllocator.DEFAULT.compositeBuffer(256);
            int at = 0;
            while (at < data.length) {
                int n = Math.min(data.length - at, 1 + r.nextInt(r.nextBoolean() ? 7 : 9000));
                ByteBuf part = r.nextBoolean()
                        ? PooledByteBufAllocator.DEFAULT.directBuffer(n + 3).writerIndex(3).writeBytes(data, at, n).readerIndex(3)
                        : Unpooled.wrappedBuffer(data, at, n);
                c.addComponent(true, part);
                at += n;
            }
            int off = r.nextInt(Math.min(16, data.length));
            try {
                assertEquals(Checksum.finish(reference(data, off, data.length - off)),
                        Checksum.finish(Checksum.add(0, c, off, data.length - off)), "parts " + c.numComponents());
            } finally {
                c.release();
            }
        }
    }

    @Test
    void aPartialChecksumCompletedTheKernelsWayEqualsTheFullOne() {
        Random r = new Random(11);
        for (int round = 0; round < 1000; round++) {
            byte[] seg = new byte[20 + r.nextInt(3000)];
            r.nextBytes(seg);
            seg[16] = 0;
            seg[17] = 0;
            long pseudo = Checksum.pseudoHeader4(r.nextInt(), r.nextInt(), 6, seg.length);
            int full = Checksum.finish(Checksum.add(pseudo, seg, 0, seg.length));
            int partial = Checksum.partial(pseudo);
            seg[16] = (byte) (partial >>> 8);
            seg[17] = (byte) partial;
            // NEEDS_CSUM: sum from csum_start (with the field holding the partial) and store the complement
            assertEquals(full, Checksum.finish(Checksum.add(0, seg, 0, seg.length)));
        }
    }
}
