package dev.airlock.gateway.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * One open log file: its channel (exclusively locked, so two gateways never interleave
 * writes), the end position, and its head slot. Writes are positional at {@link #size()} so a
 * failed batch can be cut off again with {@link #truncate}.
 */
final class LogFile implements AutoCloseable {
    private static final DateTimeFormatter TORN_STAMP =
            DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final Path path;
    private final FileChannel channel;
    private final FileChannel head;
    private long size;

    private LogFile(Path path, FileChannel channel, FileChannel head) throws IOException {
        this.path = path;
        this.channel = channel;
        this.head = head;
        this.size = channel.size();
    }

    static LogFile open(Path path, boolean withHead, ChannelOpener opener) throws IOException {
        FileChannel ch = opener.open(path);
        try {
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new AuditLogException("audit log " + path + " is already open (another airlock process, or"
                        + " this one, holds its lock); two writers would break the chain");
            }
            FileChannel headCh = withHead ? AuditHead.openSlot(AuditHead.pathFor(path)) : null;
            return new LogFile(path, ch, headCh);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    Path path() {
        return path;
    }

    FileChannel channel() {
        return channel;
    }

    long size() {
        return size;
    }

    /** Writes the whole buffer at the end of the file (not yet forced). */
    void append(LineBuffer lines) throws IOException {
        ByteBuffer buf = lines.asByteBuffer();
        long at = size;
        while (buf.hasRemaining()) {
            at += channel.write(buf, at);
        }
        size = at;
    }

    /**
     * Makes everything written so far durable. {@code force(false)} (fdatasync) suffices: it
     * also flushes the file length, which is the metadata needed to read the data back.
     */
    void force() throws IOException {
        channel.force(false);
    }

    void truncate(long length) throws IOException {
        channel.truncate(length);
        size = length;
    }

    /** Updates the head slot, if this log keeps one. */
    void writeHead(AuditHead h) throws IOException {
        if (head != null) {
            h.writeTo(head);
        }
    }

    /**
     * Copies the torn bytes into {@code FILE.torn-<time>} (forced), then cuts them off the log,
     * so nothing is lost and the log again ends with a complete record.
     */
    TornTail moveAside(TornTail torn, Instant now) throws IOException {
        byte[] bytes = new byte[(int) Math.min(torn.length(), Integer.MAX_VALUE - 16)];
        ByteBuffer buf = ByteBuffer.wrap(bytes);
        while (buf.hasRemaining() && channel.read(buf, torn.offset() + buf.position()) >= 0) {
            // read until full
        }
        Path target = path.resolveSibling(path.getFileName() + ".torn-" + TORN_STAMP.format(now));
        for (int i = 1; Files.exists(target); i++) {
            target = path.resolveSibling(path.getFileName() + ".torn-" + TORN_STAMP.format(now) + "-" + i);
        }
        try (FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer w = ByteBuffer.wrap(bytes, 0, buf.position());
            while (w.hasRemaining()) {
                out.write(w);
            }
            out.force(true);
        }
        syncDirectory(path);
        truncate(torn.offset());
        force();
        return torn.savedAs(target.getFileName().toString(), ChainHash.of(bytes, 0, buf.position()));
    }

    /** Makes a created or renamed directory entry durable (Linux allows fsync on a directory). */
    static void syncDirectory(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // Some platforms refuse to open directories; the data itself was forced.
        }
    }

    /** Forces the head slot too, so that a clean shutdown leaves an exact head. */
    @Override
    public void close() throws IOException {
        try (channel; head) {
            if (head != null) {
                head.force(true);
            }
        }
    }
}
