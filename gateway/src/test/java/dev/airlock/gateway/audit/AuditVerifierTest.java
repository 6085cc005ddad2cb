package dev.airlock.gateway.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each way of tampering with a log, and the first bad record verification must name. */
class AuditVerifierTest {
    @TempDir
    Path dir;

    private Path file;
    private List<String> lines;

    @BeforeEach
    void writeTenRecords() throws Exception {
        file = dir.resolve("audit.log");
        Records.writeLog(file, 10); // lines 1..11: genesis, then seq 2..11
        lines = new ArrayList<>(Records.lines(file));
    }

    private VerifyResult verify() throws Exception {
        return AuditVerifier.verify(List.of(file), VerifyOptions.none());
    }

    private VerifyResult verifyWithHead() throws Exception {
        return AuditVerifier.verify(List.of(file), new VerifyOptions(AuditHead.pathFor(file), null, -1));
    }

    private static ChainBreak broken(VerifyResult r) {
        assertNotNull(r.problem(), "tampering went undetected");
        return r.problem();
    }

    @Test
    void anUntouchedLogVerifies() throws Exception {
        VerifyResult r = verifyWithHead();
        assertTrue(r.intact(), () -> r.problem().describe());
        assertEquals(11, r.records());
        assertEquals(11, r.lastSeq());
        assertEquals(ChainHash.of(lines.getLast().getBytes(StandardCharsets.US_ASCII)), r.lastHash());
    }

    @Test
    void aChangedByteInAMiddleRecord() throws Exception {
        lines.set(4, lines.get(4).replace("rev-7", "rev-8")); // one byte of seq 5
        Records.writeLines(file, lines);
        ChainBreak b = broken(verify());
        assertEquals(6, b.line());
        assertEquals(6, b.seq());
        assertTrue(b.problem().contains("prev does not match the SHA-256 of line 5")
                && b.problem().contains("line 5 was modified"), b.describe());
    }

    @Test
    void anInsertedLine() throws Exception {
        lines.add(6, lines.get(2)); // a copy of seq 3 after seq 6
        Records.writeLines(file, lines);
        ChainBreak b = broken(verify());
        assertEquals(7, b.line());
        assertEquals(3, b.seq());
        assertTrue(b.problem().contains("expected seq 7 but found 3") && b.problem().contains("inserted"), b.describe());
    }

    @Test
    void aDeletedMiddleLine() throws Exception {
        lines.remove(5); // seq 6
        Records.writeLines(file, lines);
        ChainBreak b = broken(verify());
        assertEquals(6, b.line());
        assertEquals(7, b.seq());
        assertTrue(b.problem().contains("expected seq 6 but found 7") && b.problem().contains("1 record(s)")
                && b.problem().contains("deleted"), b.describe());
    }

    @Test
    void swappedLines() throws Exception {
        String fourth = lines.get(3);
        lines.set(3, lines.get(4));
        lines.set(4, fourth);
        Records.writeLines(file, lines);
        ChainBreak b = broken(verify());
        assertEquals(4, b.line());
        assertEquals(5, b.seq());
        assertTrue(b.problem().contains("expected seq 4 but found 5") && b.problem().contains("reordered"),
                b.describe());
    }

    @Test
    void aDeletedFirstLine() throws Exception {
        lines.removeFirst();
        Records.writeLines(file, lines);
        ChainBreak b = broken(verify());
        assertEquals(1, b.line());
        assertEquals(2, b.seq());
        assertTrue(b.problem().contains("does not start with a genesis record"), b.describe());
    }

    @Test
    void severalDeletedFirstLinesWithARenumberedForgedGenesisStillBreakTheChain() throws Exception {
        // Dropping the first records and forging a genesis in front cannot reproduce the
        // hash that the first kept record's prev names.
        List<String> kept = new ArrayList<>(lines.subList(3, lines.size()));
        kept.addFirst(lines.getFirst().replace("\"seq\":1", "\"seq\":3"));
        Records.writeLines(file, kept);
        ChainBreak b = broken(verify());
        assertEquals(1, b.line());
        assertTrue(b.problem().contains("genesis record must have seq 1"), b.describe());
    }

    @Test
    void aTruncatedTailIsCaughtByTheHeadFile() throws Exception {
        Records.writeLines(file, lines.subList(0, 9)); // seq 10 and 11 gone
        assertTrue(verify().intact(), "the chain alone cannot see a cut tail");
        ChainBreak b = broken(verifyWithHead());
        assertEquals(9, b.line());
        assertEquals(9, b.seq());
        assertTrue(b.problem().contains("ends at seq 9 but head file") && b.problem().contains("records seq 11")
                && b.problem().contains("the last 2 record(s) were deleted"), b.describe());
    }

    @Test
    void aTruncatedTailIsCaughtByAnExpectedSeqOrHash() throws Exception {
        String lastHash = verify().lastHash();
        Records.writeLines(file, lines.subList(0, 10));
        ChainBreak bySeq = broken(AuditVerifier.verify(List.of(file), new VerifyOptions(null, null, 11)));
        assertTrue(bySeq.problem().contains("ends at seq 10 but seq 11 was expected"), bySeq.describe());
        ChainBreak byHash = broken(AuditVerifier.verify(List.of(file), new VerifyOptions(null, lastHash, -1)));
        assertTrue(byHash.problem().contains("not the expected " + lastHash), byHash.describe());
    }

    @Test
    void aReplacedLastRecordIsCaughtByTheHeadHash() throws Exception {
        lines.set(10, lines.get(10).replace("\"allow\":true", "\"allow\":false"));
        Records.writeLines(file, lines);
        assertTrue(verify().intact(), "editing the last line leaves the chain itself intact");
        ChainBreak b = broken(verifyWithHead());
        assertEquals(11, b.line());
        assertTrue(b.problem().contains("differs from the one head file"), b.describe());
    }

    @Test
    void aTornLastLine() throws Exception {
        Files.writeString(file, "{\"seq\":12,\"time\":\"2025-03", StandardOpenOption.APPEND);
        ChainBreak b = broken(verify());
        assertEquals(12, b.line());
        assertTrue(b.problem().startsWith("torn final line: 25 bytes without a trailing newline"), b.describe());
    }

    @Test
    void aLineThatIsNotJson() throws Exception {
        lines.set(2, "hello");
        Records.writeLines(file, lines);
        ChainBreak b = broken(verify());
        assertEquals(3, b.line());
        assertTrue(b.problem().contains("not a JSON object"), b.describe());
    }

    @Test
    void anEmptyFile() throws Exception {
        Files.write(file, new byte[0]);
        ChainBreak b = broken(verify());
        assertTrue(b.problem().contains("empty"), b.describe());
    }

    @Test
    void withoutAnAnchorTheResultSaysTruncationIsInvisible() throws Exception {
        VerifyResult r = verify();
        assertTrue(r.intact());
        assertTrue(r.notes().stream().anyMatch(n -> n.contains("cannot be detected")), r.notes().toString());
    }

    @Test
    void rotatedFilesMustBeGivenInOrderAndLinked() throws Exception {
        Path archive = dir.resolve("audit.log.1");
        try (AuditLog log = AuditLog.open(file)) {
            log.rotate(archive).get();
            log.append(Records.decision(11)).get();
        }
        assertTrue(AuditVerifier.verify(List.of(archive, file), VerifyOptions.none()).intact());
        ChainBreak wrongOrder = broken(AuditVerifier.verify(List.of(file, archive), VerifyOptions.none()));
        assertTrue(wrongOrder.problem().contains("does not continue"), wrongOrder.describe());
    }
}
