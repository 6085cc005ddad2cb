package dev.airlock.gateway.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/**
 * What the end of an existing log looks like, read backwards from its last byte so opening a
 * multi-gigabyte log costs a few reads, not a scan.
 *
 * <p>A crash can leave the last write incomplete: bytes after the last newline, or (when a
 * filesystem persisted a later page before an earlier one) a final line that does not parse.
 * Both are reported as a {@link TornTail}; anything worse — the line before that is not a
 * record either — means this is not an audit log we wrote, and opening it is refused rather
 * than "repaired".
 *
 * @param size the file's length
 * @param lastSeq seq of the last complete record, 0 when there is none
 * @param lastHash SHA-256 of the last complete record's line, or {@link ChainHash#ZERO}
 * @param torn the torn bytes at the end, or {@code null} when the log ends cleanly
 */
record LogTail(long size, long lastSeq, String lastHash, TornTail torn) {
    /** Longest line we expect; a longer "last line" is treated as damage, not read into memory. */
    static final int MAX_LINE_BYTES = 16 * 1024 * 1024;

    private static final int CHUNK = 8192;

    long validEnd() {
        return torn == null ? size : torn.offset();
    }

    static LogTail read(FileChannel ch, Path file) throws IOException {
        long size = ch.size();
        if (size == 0) {
            return new LogTail(0, 0, ChainHash.ZERO, null);
        }
        long lastNewline = lastNewlineBefore(ch, size);
        long completeEnd = lastNewline + 1; // 0 when there is no newline at all
        String why = completeEnd < size ? "last line was incomplete (no trailing newline)" : null;
        if (completeEnd == 0) {
            return new LogTail(size, 0, ChainHash.ZERO, new TornTail(0, size, why, null, null));
        }
        long lineStart = lastNewlineBefore(ch, lastNewline) + 1;
        Parsed last = parseLine(ch, lineStart, lastNewline);
        if (last != null) {
            TornTail torn = why == null ? null : new TornTail(completeEnd, size - completeEnd, why, null, null);
            return new LogTail(size, last.seq(), last.hash(), torn);
        }
        // The last complete line is damaged: it is torn too, provided the line before it is sound.
        String damaged = why == null ? "last line was not a valid audit record"
                : "last line was incomplete and the line before it was not a valid audit record";
        if (lineStart == 0) {
            return new LogTail(size, 0, ChainHash.ZERO, new TornTail(0, size, damaged, null, null));
        }
        long previousStart = lastNewlineBefore(ch, lineStart - 1) + 1;
        Parsed previous = parseLine(ch, previousStart, lineStart - 1);
        if (previous == null) {
            throw new AuditLogException(file + " does not end with airlock audit records (its last two lines are"
                    + " not records), so it was left untouched. Check the path; if it is an audit log, run"
                    + " `airlock audit verify " + file + "` and move the file aside to start a new log.");
        }
        return new LogTail(size, previous.seq(), previous.hash(),
                new TornTail(lineStart, size - lineStart, damaged, null, null));
    }

    private record Parsed(long seq, String hash) {}

    /** The line in [start, end) if it is a record with a seq and prev, else {@code null}. */
    private static Parsed parseLine(FileChannel ch, long start, long end) throws IOException {
        long length = end - start;
        if (length <= 0 || length > MAX_LINE_BYTES) {
            return null;
        }
        byte[] line = new byte[(int) length];
        ByteBuffer buf = ByteBuffer.wrap(line);
        while (buf.hasRemaining()) {
            if (ch.read(buf, start + buf.position()) < 0) {
                return null;
            }
        }
        try {
            JsonNode node = AuditJson.MAPPER.readTree(line);
            JsonNode seq = node == null ? null : node.get("seq");
            JsonNode prev = node == null ? null : node.get("prev");
            if (seq == null || !seq.canConvertToLong() || seq.asLong() < 1 || prev == null
                    || !ChainHash.isHash(prev.asText())) {
                return null;
            }
            return new Parsed(seq.asLong(), ChainHash.of(line));
        } catch (IOException e) {
            return null;
        }
    }

    /** Position of the last '\n' strictly before {@code end}, or -1. */
    private static long lastNewlineBefore(FileChannel ch, long end) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(CHUNK);
        long pos = end;
        while (pos > 0) {
            int n = (int) Math.min(CHUNK, pos);
            long from = pos - n;
            buf.clear().limit(n);
            while (buf.hasRemaining()) {
                if (ch.read(buf, from + buf.position()) < 0) {
                    throw new IOException("file shrank while it was being read");
                }
            }
            for (int i = n - 1; i >= 0; i--) {
                if (buf.get(i) == '\n') {
                    return from + i;
                }
            }
            pos = from;
        }
        return -1;
    }
}
