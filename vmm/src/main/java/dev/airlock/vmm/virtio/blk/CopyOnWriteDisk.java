package dev.airlock.vmm.virtio.blk;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * A writable disk over a read-only base image: writes land in an in-memory overlay of
 * {@link #CHUNK_SIZE}-byte chunks, reads see the overlay where it has a chunk and the base
 * elsewhere. The base is never modified. The overlay is bounded: once it holds
 * {@code maxOverlayBytes}, writes to new chunks fail (the device reports an I/O error), so a
 * guest cannot exhaust host memory.
 */
public final class CopyOnWriteDisk implements BlockBackend {

    public static final int CHUNK_SIZE = 4096;

    private final BlockBackend base;
    private final long maxOverlayBytes;
    private final Map<Long, byte[]> overlay = new HashMap<>();

    public CopyOnWriteDisk(BlockBackend base, long maxOverlayBytes) {
        this.base = base;
        this.maxOverlayBytes = maxOverlayBytes;
    }

    @Override
    public long sizeBytes() {
        return base.sizeBytes();
    }

    @Override
    public boolean readOnly() {
        return false;
    }

    /** Bytes currently held in the overlay. */
    public synchronized long overlayBytes() {
        return (long) overlay.size() * CHUNK_SIZE;
    }

    @Override
    public synchronized void read(long offset, byte[] dst, int dstOffset, int length) throws IOException {
        int done = 0;
        while (done < length) {
            long at = offset + done;
            long chunk = at / CHUNK_SIZE;
            int within = (int) (at % CHUNK_SIZE);
            int n = Math.min(CHUNK_SIZE - within, length - done);
            byte[] data = overlay.get(chunk);
            if (data != null) {
                System.arraycopy(data, within, dst, dstOffset + done, n);
            } else {
                base.read(at, dst, dstOffset + done, n);
            }
            done += n;
        }
    }

    @Override
    public synchronized void write(long offset, byte[] src, int srcOffset, int length) throws IOException {
        int done = 0;
        while (done < length) {
            long at = offset + done;
            long chunk = at / CHUNK_SIZE;
            int within = (int) (at % CHUNK_SIZE);
            int n = Math.min(CHUNK_SIZE - within, length - done);
            byte[] data = overlay.get(chunk);
            if (data == null) {
                if (overlayBytes() + CHUNK_SIZE > maxOverlayBytes) {
                    throw new IOException("copy-on-write overlay is full (" + maxOverlayBytes + " bytes)");
                }
                data = new byte[CHUNK_SIZE];
                long chunkStart = chunk * CHUNK_SIZE;
                base.read(chunkStart, data, 0, (int) Math.min(CHUNK_SIZE, base.sizeBytes() - chunkStart));
                overlay.put(chunk, data);
            }
            System.arraycopy(src, srcOffset + done, data, within, n);
            done += n;
        }
    }

    @Override
    public void flush() {
        // The overlay is memory; there is nothing to make durable.
    }

    @Override
    public void close() throws IOException {
        base.close();
    }
}
