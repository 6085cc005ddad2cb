package dev.airlock.gateway.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CrashRecoveryTest {
    @TempDir
    Path dir;

    @Test
    void aTornTailIsMovedAsideAndRecorded() throws Exception {
        Path file = dir.resolve("audit.log");
        Records.writeLog(file, 5);
        byte[] clean = Files.readAllBytes(file);
        byte[] torn = "{\"seq\":7,\"time\":\"2025-03-01T12:00:01.0000".getBytes(StandardCharsets.US_ASCII);
        Files.write(file, torn, StandardOpenOption.APPEND);

        Path tornFile;
        try (AuditLog log = AuditLog.open(file)) {
            tornFile = log.recoveredTornFile().orElseThrow();
            assertEquals(8L, log.append(Records.decision(6)).get(), "recovery record took seq 7");
        }
        assertArrayEquals(torn, Files.readAllBytes(tornFile), "torn bytes are kept, not lost");
        assertTrue(tornFile.getFileName().toString().startsWith("audit.log.torn-"), tornFile.toString());
        byte[] now = Files.readAllBytes(file);
        assertArrayEquals(clean, java.util.Arrays.copyOf(now, clean.length), "earlier records untouched");

        List<String> lines = Records.lines(file);
        JsonNode recovery = AuditJson.MAPPER.readTree(lines.get(6));
        assertEquals("recovery", recovery.get("kind").asText());
        assertEquals(7, recovery.get("seq").asLong());
        assertEquals(torn.length, recovery.get("torn_bytes").asInt());
        assertEquals(tornFile.getFileName().toString(), recovery.get("torn_file").asText());
        assertEquals(ChainHash.of(torn), recovery.get("torn_sha256").asText());
        assertTrue(recovery.get("reason").asText().contains("no trailing newline"));

        VerifyResult r = AuditVerifier.verify(List.of(file), new VerifyOptions(AuditHead.pathFor(file), null, -1));
        assertTrue(r.intact(), () -> r.problem().describe());
        assertEquals(8, r.lastSeq());
        assertTrue(r.notes().stream().anyMatch(n -> n.contains("recovered after a crash")), r.notes().toString());
    }

    @Test
    void aCompleteButGarbledLastLineIsTornToo() throws Exception {
        // A filesystem may persist a later page before an earlier one: zeros, then a newline.
        Path file = dir.resolve("audit.log");
        Records.writeLog(file, 3);
        Files.write(file, new byte[] {0, 0, 0, 0, '\n'}, StandardOpenOption.APPEND);
        try (AuditLog log = AuditLog.open(file)) {
            assertTrue(log.recoveredTornFile().isPresent());
            log.append(Records.decision(4)).get();
        }
        VerifyResult r = AuditVerifier.verify(List.of(file), VerifyOptions.none());
        assertTrue(r.intact(), () -> r.problem().describe());
        assertTrue(AuditJson.MAPPER.readTree(Records.lines(file).get(4)).get("reason").asText()
                .contains("not a valid audit record"));
    }

    @Test
    void aTornGenesisStartsTheChainAgain() throws Exception {
        Path file = dir.resolve("audit.log");
        Files.writeString(file, "{\"seq\":1,\"ti");
        try (AuditLog log = AuditLog.open(file)) {
            assertEquals(3L, log.append(Records.decision(1)).get(), "genesis 1, recovery 2, record 3");
        }
        VerifyResult r = AuditVerifier.verify(List.of(file), VerifyOptions.none());
        assertTrue(r.intact(), () -> r.problem().describe());
    }

    @Test
    void aLogWhoseTailIsBehindItsHeadIsNotReopened() throws Exception {
        Path file = dir.resolve("audit.log");
        Records.writeLog(file, 5);
        List<String> lines = Records.lines(file);
        Records.writeLines(file, lines.subList(0, 4));
        byte[] before = Files.readAllBytes(file);
        AuditLogException e = assertThrows(AuditLogException.class, () -> AuditLog.open(file));
        assertTrue(e.getMessage().contains("ends at seq 4") && e.getMessage().contains("records seq 6")
                && e.getMessage().contains("removed"), e.getMessage());
        assertArrayEquals(before, Files.readAllBytes(file), "a refused open changes nothing");
    }

    @Test
    void aFileThatIsNotAnAuditLogIsLeftAlone() throws Exception {
        Path file = dir.resolve("notes.txt");
        Files.writeString(file, "first line\nsecond line\nthird line\n");
        AuditLogException e = assertThrows(AuditLogException.class, () -> AuditLog.open(file));
        assertTrue(e.getMessage().contains("does not end with airlock audit records"), e.getMessage());
        assertEquals("first line\nsecond line\nthird line\n", Files.readString(file));
    }
}
