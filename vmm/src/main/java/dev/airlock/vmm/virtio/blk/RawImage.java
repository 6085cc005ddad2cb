package dev.airlock.vmm.virtio.blk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A raw disk image file, opened read-only or read-write. */
public final class RawImage implements BlockBackend {

    private final FileChannel channel;
    private final long size;
    private final boolean readOnly;

    private RawImage(FileChannel channel, boolean readOnly) throws IOException {
        this.channel = channel;
        this.size = channel.size();
        this.readOnly = readOnly;
    }

    public static RawImage openReadOnly(Path path) throws IOException {
        return new RawImage(FileChannel.open(path, StandardOpenOption.READ), true);
    }

    public static RawImage openReadWrite(Path path) throws IOException {
        return new RawImage(FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE), false);
    }

    @Override
    public long sizeBytes() {
        return size;
    }

    @Override
    public boolean readOnly() {
        return readOnly;
    }

    @Override
    public void read(long offset, byte[] dst, int dstOffset, int length) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(dst, dstOffset, length);
        long at = offset;
        while (b.hasRemaining()) {
            int n = channel.read(b, at);
            if (n < 0) {
                throw new IOException("image ended at " + at + " while reading " + length + " bytes at " + offset);
            }
            at += n;
        }
    }

    @Override
    public void write(long offset, byte[] src, int srcOffset, int length) throws IOException {
        if (readOnly) {
            throw new IOException("image is read-only");
        }
        ByteBuffer b = ByteBuffer.wrap(src, srcOffset, length);
        long at = offset;
        while (b.hasRemaining()) {
            at += channel.write(b, at);
        }
    }

    @Override
    public void flush() throws IOException {
        if (!readOnly) {
            channel.force(false);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
