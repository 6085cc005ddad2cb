package dev.airlock.gateway.audit;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Streams a log as lines of raw bytes — hashes are over exact bytes, so lines are never
 * decoded and re-encoded — holding one line at a time, however large the file.
 */
final class LineReader implements AutoCloseable {
    /**
     * One line without its newline.
     *
     * @param number 1-based line number
     * @param bytes the line, or its first {@link LogTail#MAX_LINE_BYTES} bytes when too long
     * @param terminated false for a last line that has no trailing newline
     * @param tooLong the line exceeded {@link LogTail#MAX_LINE_BYTES} and was cut
     */
    record Line(long number, byte[] bytes, boolean terminated, boolean tooLong) {}

    private final InputStream in;
    private final byte[] buf = new byte[1 << 16];
    private int pos;
    private int limit;
    private long number;
    private byte[] line = new byte[1024];

    LineReader(InputStream in) {
        this.in = in;
    }

    /** The next line, or {@code null} at the end of the stream. */
    Line next() throws IOException {
        int length = 0;
        boolean tooLong = false;
        while (true) {
            if (pos == limit) {
                limit = in.read(buf);
                pos = 0;
                if (limit <= 0) {
                    limit = 0;
                    if (length == 0 && !tooLong) {
                        return null;
                    }
                    return new Line(++number, Arrays.copyOf(line, length), false, tooLong);
                }
            }
            int start = pos;
            while (pos < limit && buf[pos] != '\n') {
                pos++;
            }
            int n = pos - start;
            if (length + n > LogTail.MAX_LINE_BYTES) {
                n = Math.max(0, LogTail.MAX_LINE_BYTES - length);
                tooLong = true;
            }
            if (length + n > line.length) {
                line = Arrays.copyOf(line, Math.max(line.length * 2, length + n));
            }
            System.arraycopy(buf, start, line, length, n);
            length += n;
            if (pos < limit) { // found the newline
                pos++;
                return new Line(++number, Arrays.copyOf(line, length), true, tooLong);
            }
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
