package dev.airlock.gateway.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks that one log file, or several rotated files in order, form one unbroken chain: each
 * line parses, starts a file with a genesis record, has the next seq, and carries in
 * {@code prev} the SHA-256 of the line before it. Streams; memory does not grow with the file.
 *
 * <p>The chain alone cannot show that records were cut off the end; {@link VerifyOptions}
 * supplies the anchors (head file, expected hash or seq) that can.
 */
public final class AuditVerifier {
    private final VerifyOptions options;
    private final List<String> notes = new ArrayList<>();
    private AuditHead head;
    private long records;
    private long lastSeq;
    private long lastLine;
    private String lastHash = ChainHash.ZERO;
    private Path previousFile;

    private AuditVerifier(VerifyOptions options) {
        this.options = options;
    }

    /** Verifies {@code files} as one chain, in the order given (oldest first). */
    public static VerifyResult verify(List<Path> files, VerifyOptions options) throws IOException {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no files to verify");
        }
        AuditVerifier v = new AuditVerifier(options);
        ChainBreak problem = v.run(files);
        return new VerifyResult(v.records, v.lastSeq, v.lastHash, List.copyOf(v.notes), problem);
    }

    private ChainBreak run(List<Path> files) throws IOException {
        if (options.headFile() != null) {
            Optional<AuditHead> h = AuditHead.read(options.headFile());
            if (h.isEmpty()) {
                return new ChainBreak(options.headFile(), 0, -1, "head file does not exist");
            }
            head = h.get();
        }
        Path last = files.getLast();
        for (Path file : files) {
            ChainBreak problem = verifyFile(file, file == last);
            if (problem != null) {
                return problem;
            }
            previousFile = file;
        }
        return checkTail(last);
    }

    private ChainBreak verifyFile(Path file, boolean isLast) throws IOException {
        long lineNumber = 0;
        try (LineReader reader = new LineReader(Files.newInputStream(file))) {
            LineReader.Line line;
            while ((line = reader.next()) != null) {
                lineNumber = line.number();
                ChainBreak problem = verifyLine(file, line, isLast);
                if (problem != null) {
                    return problem;
                }
            }
        }
        if (lineNumber == 0) {
            return new ChainBreak(file, 0, -1, "the file is empty; every audit log starts with a genesis record");
        }
        return null;
    }

    private ChainBreak verifyLine(Path file, LineReader.Line line, boolean isLast) {
        long n = line.number();
        if (line.tooLong()) {
            return new ChainBreak(file, n, -1, "line is longer than " + LogTail.MAX_LINE_BYTES
                    + " bytes; no record is that long, so the file was damaged or appended to");
        }
        JsonNode node;
        try {
            node = AuditJson.MAPPER.readTree(line.bytes());
        } catch (IOException e) {
            node = null;
        }
        if (!line.terminated()) {
            return new ChainBreak(file, n, seqOf(node), "torn final line: " + line.bytes().length
                    + " bytes without a trailing newline (a write was cut short by a crash). Opening the log with"
                    + " airlock moves these bytes aside and records the recovery.");
        }
        if (node == null || !node.isObject()) {
            return new ChainBreak(file, n, -1, "not a JSON object: the line was altered or is not an audit record");
        }
        long seq = seqOf(node);
        String prev = node.path("prev").asText(null);
        RecordKind kind = RecordKind.fromWireName(node.path("kind").asText());
        if (seq < 1 || !ChainHash.isHash(prev) || kind == null) {
            return new ChainBreak(file, n, seq, "missing or invalid seq, prev or kind: the line was altered");
        }
        String hash = ChainHash.of(line.bytes());
        ChainBreak problem = n == 1 ? checkFirstLine(file, seq, prev, kind) : checkNextLine(file, n, seq, prev, kind);
        if (problem != null) {
            return problem;
        }
        if (kind == RecordKind.RECOVERY) {
            notes.add(file + " line " + n + " (seq " + seq + "): recovered after a crash: "
                    + node.path("torn_bytes").asLong() + " torn bytes moved to " + node.path("torn_file").asText()
                    + " (" + node.path("reason").asText() + ")");
        }
        if (isLast && head != null && head.seq() == seq && !head.hash().equals(hash)) {
            return new ChainBreak(file, n, seq, "this record's SHA-256 differs from the one head file "
                    + options.headFile() + " records for seq " + seq + ": it was altered or replaced");
        }
        records++;
        lastLine = n;
        lastSeq = seq;
        lastHash = hash;
        return null;
    }

    private ChainBreak checkFirstLine(Path file, long seq, String prev, RecordKind kind) {
        if (kind != RecordKind.GENESIS) {
            return new ChainBreak(file, 1, seq, "the file does not start with a genesis record: its first record(s)"
                    + " were deleted" + (previousFile == null ? " (or it is a later part of a rotated log — pass"
                    + " the earlier files first)" : ""));
        }
        if (previousFile != null) {
            if (seq != lastSeq + 1 || !prev.equals(lastHash)) {
                return new ChainBreak(file, 1, seq, "does not continue " + previousFile + " (which ends at seq "
                        + lastSeq + "): expected seq " + (lastSeq + 1) + " with prev " + lastHash);
            }
            return null;
        }
        if (prev.equals(ChainHash.ZERO)) {
            return seq == 1 ? null : new ChainBreak(file, 1, seq, "a new chain's genesis record must have seq 1");
        }
        notes.add(file + " continues an earlier log from seq " + (seq - 1) + " (whose last line hashes to " + prev
                + "); verify that file too by passing both, oldest first");
        return null;
    }

    private ChainBreak checkNextLine(Path file, long n, long seq, String prev, RecordKind kind) {
        long expected = lastSeq + 1;
        if (seq > expected) {
            return new ChainBreak(file, n, seq, "expected seq " + expected + " but found " + seq + ": "
                    + (seq - expected) + " record(s) before this line were deleted, or records were reordered");
        }
        if (seq < expected) {
            return new ChainBreak(file, n, seq, "expected seq " + expected + " but found " + seq
                    + ": a record was inserted or duplicated here, or records were reordered");
        }
        if (!prev.equals(lastHash)) {
            return new ChainBreak(file, n, seq, "prev does not match the SHA-256 of line " + (n - 1) + " (seq "
                    + lastSeq + "): line " + (n - 1) + " was modified, or this line's prev was");
        }
        if (kind == RecordKind.GENESIS) {
            return new ChainBreak(file, n, seq, "a genesis record in the middle of a file: lines from another log"
                    + " were spliced in");
        }
        return null;
    }

    /** What the chain cannot show: whether records were cut from the end. */
    private ChainBreak checkTail(Path last) {
        if (head != null) {
            if (head.seq() > lastSeq) {
                return new ChainBreak(last, lastLine, lastSeq, "the log ends at seq " + lastSeq
                        + " but head file " + options.headFile() + " records seq " + head.seq() + ": the last "
                        + (head.seq() - lastSeq) + " record(s) were deleted (truncated tail)");
            }
            if (head.seq() < lastSeq) {
                notes.add("head file " + options.headFile() + " is at seq " + head.seq() + ", " + (lastSeq - head.seq())
                        + " record(s) behind the log (normal while the log is being written or after a power loss;"
                        + " those last records are not covered by the head)");
            }
        }
        if (options.expectSeq() >= 0 && options.expectSeq() != lastSeq) {
            return new ChainBreak(last, lastLine, lastSeq, "the log ends at seq " + lastSeq + " but seq "
                    + options.expectSeq() + " was expected" + (options.expectSeq() > lastSeq
                    ? ": the last " + (options.expectSeq() - lastSeq) + " record(s) were deleted" : ""));
        }
        if (options.expectHead() != null && !options.expectHead().equalsIgnoreCase(lastHash)) {
            return new ChainBreak(last, lastLine, lastSeq, "the last record hashes to " + lastHash + ", not the expected "
                    + options.expectHead() + ": records at the end were deleted, replaced or added");
        }
        if (head == null && options.expectSeq() < 0 && options.expectHead() == null) {
            notes.add("no head file or expected head given: records deleted from the end cannot be detected");
        }
        return null;
    }

    private static long seqOf(JsonNode node) {
        JsonNode seq = node == null ? null : node.get("seq");
        return seq != null && seq.isIntegralNumber() && seq.canConvertToLong() ? seq.asLong() : -1;
    }
}
