package dev.airlock.vmm.virtio.blk;

import java.io.IOException;

/** Storage behind a virtio-blk device, addressed in bytes. Offsets and lengths are pre-checked. */
public interface BlockBackend extends AutoCloseable {

    long sizeBytes();

    boolean readOnly();

    void read(long offset, byte[] dst, int dstOffset, int length) throws IOException;

    void write(long offset, byte[] src, int srcOffset, int length) throws IOException;

    void flush() throws IOException;

    @Override
    void close() throws IOException;
}
