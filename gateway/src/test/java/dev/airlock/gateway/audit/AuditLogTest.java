package dev.airlock.gateway.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {
    @TempDir
    Path dir;

    @Test
    void concurrentAppendsFormOneChainAndCompleteOnlyOnceWritten() throws Exception {
        Path file = dir.resolve("audit.log");
        int threads = 8;
        int perThread = 500;
        // For each seq, the file's size at the moment its future completed.
        Map<Long, Long> sizeAtCompletion = new ConcurrentHashMap<>();
        List<CompletableFuture<Long>> futures = new ArrayList<>();
        try (AuditLog log = AuditLog.open(file)) {
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int base = t * perThread;
                workers.add(Thread.ofPlatform().start(() -> {
                    for (int i = 1; i <= perThread; i++) {
                        CompletableFuture<Long> f = log.append(Records.decision(base + i));
                        f.thenAccept(seq -> sizeAtCompletion.put(seq, sizeOf(file)));
                        synchronized (futures) {
                            futures.add(f);
                        }
                    }
                }));
            }
            for (Thread w : workers) {
                w.join();
            }
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get();
        }
        int n = threads * perThread;
        List<String> lines = Records.lines(file);
        assertEquals(n + 1, lines.size(), "genesis plus one line per record");
        long offsetAfterLine = 0;
        for (int i = 0; i < lines.size(); i++) {
            JsonNode node = AuditJson.MAPPER.readTree(lines.get(i));
            assertEquals(i + 1, node.get("seq").asLong());
            offsetAfterLine += lines.get(i).getBytes(StandardCharsets.UTF_8).length + 1;
            if (i > 0) {
                Long size = sizeAtCompletion.get((long) i + 1);
                assertTrue(size != null && size >= offsetAfterLine,
                        "seq " + (i + 1) + " completed before its line was in the file (size " + size + ")");
            }
        }
        assertEquals(n, sizeAtCompletion.size());
        VerifyResult result = AuditVerifier.verify(List.of(file), new VerifyOptions(AuditHead.pathFor(file), null, -1));
        assertNull(result.problem(), () -> result.problem().describe());
        assertEquals(n + 1, result.records());
    }

    @Test
    void groupCommitForcesFarLessOftenThanItAppends() throws Exception {
        Path file = dir.resolve("audit.log");
        int threads = 8;
        int perThread = 1250;
        AuditLogStats stats;
        try (AuditLog log = AuditLog.open(file)) {
            List<CompletableFuture<Long>> futures = new ArrayList<>();
            List<Thread> workers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int base = t * perThread;
                workers.add(Thread.ofPlatform().start(() -> {
                    List<CompletableFuture<Long>> mine = new ArrayList<>();
                    for (int i = 1; i <= perThread; i++) {
                        mine.add(log.append(Records.decision(base + i)));
                    }
                    synchronized (futures) {
                        futures.addAll(mine);
                    }
                }));
            }
            for (Thread w : workers) {
                w.join();
            }
            CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new)).get();
            stats = log.stats();
        }
        assertEquals(10_000, stats.records(), "every append was written (the genesis was written at open)");
        assertEquals(0, stats.rejectedRecords());
        assertEquals(stats.batches(), stats.forces(), "one force per batch");
        assertTrue(stats.forces() < stats.records() / 10,
                "expected group commit to batch: " + stats.forces() + " forces for " + stats.records() + " records");
        assertEquals(10_001, stats.lastSeq());
    }

    @Test
    void reopeningContinuesSeqAndChain() throws Exception {
        Path file = dir.resolve("audit.log");
        Records.writeLog(file, 3);
        try (AuditLog log = AuditLog.open(file)) {
            assertEquals(5L, log.append(Records.decision(4)).get());
        }
        List<String> lines = Records.lines(file);
        assertEquals(5, lines.size(), "no second genesis on reopen");
        VerifyResult result = AuditVerifier.verify(List.of(file), VerifyOptions.none());
        assertTrue(result.intact(), () -> result.problem().describe());
        assertEquals(5, result.lastSeq());
    }

    @Test
    void firstLineIsAGenesisWithZeroPrev() throws Exception {
        Path file = dir.resolve("audit.log");
        Records.writeLog(file, 1);
        JsonNode genesis = AuditJson.MAPPER.readTree(Records.lines(file).getFirst());
        assertEquals("genesis", genesis.get("kind").asText());
        assertEquals(1, genesis.get("seq").asLong());
        assertEquals(ChainHash.ZERO, genesis.get("prev").asText());
        JsonNode second = AuditJson.MAPPER.readTree(Records.lines(file).get(1));
        assertEquals(ChainHash.of(Records.lines(file).getFirst().getBytes(StandardCharsets.US_ASCII)),
                second.get("prev").asText());
    }

    @Test
    void linesHaveAFixedFieldOrder() throws Exception {
        Path file = dir.resolve("audit.log");
        Records.writeLog(file, 4); // decision 4 has a secret and an input
        JsonNode node = AuditJson.MAPPER.readTree(Records.lines(file).get(4));
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        assertEquals(List.of("seq", "time", "kind", "decision_id", "agent", "phase", "destination", "method", "path",
                "status", "bytes_up", "bytes_down", "duration_ms", "allow", "reason", "policy_revision",
                "secrets_injected", "input", "prev"), names);
        assertEquals("2025-03-01T12:00:00.127456Z", node.get("time").asText());
        assertEquals("OPENAI_API_KEY", node.get("secrets_injected").get(0).asText());
    }

    @Test
    void leakNamesAreWrittenOnlyWhenThereAreAny() throws Exception {
        Path file = dir.resolve("audit.log");
        try (AuditLog log = AuditLog.open(file)) {
            AuditRecord r = Records.decision(1);
            log.append(new AuditRecord(r.time(), r.kind(), r.decisionId(), r.agent(), r.phase(), r.destination(), r.method(),
                    r.path(), r.status(), r.bytesUp(), r.bytesDown(), r.durationMs(), false, "placeholder leak",
                    r.policyRevision(), List.of(), List.of("GITHUB_TOKEN"), null)).get();
            log.append(Records.decision(2)).get();
        }
        List<String> lines = Records.lines(file);
        assertEquals("GITHUB_TOKEN", AuditJson.MAPPER.readTree(lines.get(1)).get("leak").get(0).asText());
        assertTrue(!lines.get(2).contains("\"leak\""), lines.get(2));
    }

    @Test
    void appendsAfterCloseFailClearly() throws Exception {
        Path file = dir.resolve("audit.log");
        AuditLog log = AuditLog.open(file);
        log.close();
        ExecutionException e = assertThrows(ExecutionException.class, () -> log.append(Records.decision(1)).get());
        assertInstanceOf(AuditLogException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("is closed"), e.getCause().getMessage());
        log.close(); // idempotent
    }

    @Test
    void aFullQueueFailsTheAppendInsteadOfBlocking() throws Exception {
        Path file = dir.resolve("audit.log");
        // A one-slot queue overflows as soon as callers outrun the writer.
        AuditLogOptions tiny = AuditLogOptions.defaults().withQueueCapacity(1).withMaxBatchRecords(1);
        List<CompletableFuture<Long>> futures = new ArrayList<>();
        try (AuditLog log = AuditLog.open(file, tiny)) {
            for (int i = 1; i <= 2_000; i++) {
                futures.add(log.append(Records.decision(i)));
            }
            for (CompletableFuture<Long> f : futures) {
                f.handle((seq, err) -> null).get();
            }
            long failed = futures.stream().filter(CompletableFuture::isCompletedExceptionally).count();
            assertTrue(failed > 0, "2,000 appends into a one-record queue should overflow");
            assertEquals(failed, log.stats().rejectedRecords());
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> futures.stream().filter(CompletableFuture::isCompletedExceptionally).findFirst().orElseThrow().get());
            assertTrue(e.getCause().getMessage().contains("audit queue"), e.getCause().getMessage());
        }
        VerifyResult result = AuditVerifier.verify(List.of(file), VerifyOptions.none());
        assertTrue(result.intact(), () -> result.problem().describe());
        long written = futures.stream().filter(f -> !f.isCompletedExceptionally()).count();
        assertEquals(written + 1, result.records(), "exactly the accepted records are in the log");
    }

    @Test
    void aSecondWriterIsRefused() throws Exception {
        Path file = dir.resolve("audit.log");
        try (AuditLog log = AuditLog.open(file)) {
            AuditLogException e = assertThrows(AuditLogException.class, () -> AuditLog.open(file));
            assertTrue(e.getMessage().contains("already open"), e.getMessage());
            assertEquals(2L, log.append(Records.decision(1)).get());
        }
    }

    @Test
    void rotationContinuesTheChainInANewFile() throws Exception {
        Path file = dir.resolve("audit.log");
        Path archive = dir.resolve("audit.log.1");
        try (AuditLog log = AuditLog.open(file)) {
            log.append(Records.decision(1));
            log.append(Records.decision(2));
            assertEquals(archive, log.rotate(archive).get());
            assertEquals(5L, log.append(Records.decision(3)).get(), "the new genesis took seq 4");
        }
        assertEquals(3, Records.lines(archive).size());
        JsonNode genesis = AuditJson.MAPPER.readTree(Records.lines(file).getFirst());
        assertEquals("genesis", genesis.get("kind").asText());
        assertEquals("audit.log.1", genesis.get("continues").asText());
        assertEquals(ChainHash.of(Records.lines(archive).getLast().getBytes(StandardCharsets.US_ASCII)),
                genesis.get("prev").asText());

        VerifyResult both = AuditVerifier.verify(List.of(archive, file), new VerifyOptions(AuditHead.pathFor(file), null, -1));
        assertTrue(both.intact(), () -> both.problem().describe());
        assertEquals(5, both.records());
        VerifyResult archiveAlone = AuditVerifier.verify(List.of(archive),
                new VerifyOptions(AuditHead.pathFor(archive), null, -1));
        assertTrue(archiveAlone.intact(), () -> archiveAlone.problem().describe());
        VerifyResult newAlone = AuditVerifier.verify(List.of(file), VerifyOptions.none());
        assertTrue(newAlone.intact(), () -> newAlone.problem().describe());
        assertTrue(newAlone.notes().stream().anyMatch(n -> n.contains("continues an earlier log from seq 3")),
                newAlone.notes().toString());
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (java.io.IOException e) {
            return -1;
        }
    }
}
