package dev.airlock.gateway.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A record that cannot be written fails its future, and the log stays verifiable. */
class WriteFailureTest {
    @TempDir
    Path dir;

    private final AtomicReference<FailingChannel> channel = new AtomicReference<>();

    private AuditLog open(Path file) throws Exception {
        return AuditLog.open(file, AuditLogOptions.defaults(), path -> {
            FailingChannel c = new FailingChannel(ChannelOpener.FILES.open(path));
            channel.set(c);
            return c;
        });
    }

    @Test
    void aFailedWriteFailsItsFuturesAndIsCutOffAgain() throws Exception {
        Path file = dir.resolve("audit.log");
        try (AuditLog log = open(file)) {
            for (int i = 1; i <= 3; i++) {
                log.append(Records.decision(i)).get();
            }
            channel.get().failWrites = true;
            CompletableFuture<Long> lost = log.append(Records.decision(4));
            ExecutionException e = assertThrows(ExecutionException.class, lost::get);
            AuditLogException cause = assertInstanceOf(AuditLogException.class, e.getCause());
            assertTrue(cause.getMessage().contains("No space left on device")
                    && cause.getMessage().contains("must be denied"), cause.getMessage());
            assertEquals(4, Records.lines(file).size(), "the half-written line was cut off");

            channel.get().failWrites = false; // space freed
            assertEquals(5L, log.append(Records.decision(5)).get(), "seq continues after the last durable record");
            assertEquals(1, log.stats().failedRecords());
        }
        VerifyResult r = AuditVerifier.verify(List.of(file), new VerifyOptions(AuditHead.pathFor(file), null, -1));
        assertTrue(r.intact(), () -> r.problem().describe());
        assertEquals(5, r.records());
    }

    @Test
    void whenTheLogCannotBeCutBackItRefusesEverythingAndReopeningRecovers() throws Exception {
        Path file = dir.resolve("audit.log");
        AuditLog log = open(file);
        log.append(Records.decision(1)).get();
        channel.get().failWrites = true;
        channel.get().failTruncate = true;
        assertThrows(ExecutionException.class, () -> log.append(Records.decision(2)).get());
        ExecutionException later = assertThrows(ExecutionException.class, () -> log.append(Records.decision(3)).get());
        assertTrue(later.getCause().getMessage().contains("no further records are accepted"),
                later.getCause().getMessage());
        AuditLogException closing = assertThrows(AuditLogException.class, log::close);
        assertTrue(closing.getMessage().contains("Restart airlock"), closing.getMessage());

        // The half line is still in the file; a restart moves it aside and records that.
        try (AuditLog reopened = AuditLog.open(file)) {
            assertTrue(reopened.recoveredTornFile().isPresent());
            assertEquals(4L, reopened.append(Records.decision(4)).get());
        }
        VerifyResult r = AuditVerifier.verify(List.of(file), new VerifyOptions(AuditHead.pathFor(file), null, -1));
        assertTrue(r.intact(), () -> r.problem().describe());
    }
}
