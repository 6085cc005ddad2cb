package dev.airlock.gateway.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Streams the records of a log file for queries, one line in memory at a time. Lines that
 * are not records (a torn tail, damage) are skipped and counted, not fatal: answering
 * "what did agent X do" should not depend on the chain being intact — that is what
 * {@link AuditVerifier} is for.
 */
public final class AuditLogReader implements AutoCloseable {
    private final LineReader lines;
    private long skipped;
    private String firstSkip;

    public AuditLogReader(Path file) throws IOException {
        this.lines = new LineReader(Files.newInputStream(file));
    }

    /** The next record, or {@code null} at the end of the file. */
    public AuditEntry next() throws IOException {
        LineReader.Line line;
        while ((line = lines.next()) != null) {
            if (!line.terminated() || line.tooLong()) {
                skip(line.number(), line.tooLong() ? "line too long" : "torn final line");
                continue;
            }
            try {
                return AuditRecordDecoder.decode(line.number(), line.bytes());
            } catch (IllegalArgumentException e) {
                skip(line.number(), e.getMessage());
            }
        }
        return null;
    }

    /** Lines that were not records. */
    public long skipped() {
        return skipped;
    }

    /** Why the first skipped line was skipped ("line 7: not JSON ..."), or {@code null}. */
    public String firstSkipReason() {
        return firstSkip;
    }

    private void skip(long number, String why) {
        if (skipped++ == 0) {
            firstSkip = "line " + number + ": " + why;
        }
    }

    @Override
    public void close() throws IOException {
        lines.close();
    }
}
