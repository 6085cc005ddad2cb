package dev.airlock.gateway.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.StringValue;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EscapingTest {
    @TempDir
    Path dir;

    private static final String HOSTILE = "?q=\u00e9&r=?a\nb\r\"c\"\\d\u0000e\u001b[31mf\u2028g\u202eh\ud800i\udc00j\ud83d\ude00k";

    @Test
    void hostileStringsRoundTripAndStayOnOneAsciiLine() throws Exception {
        Path file = dir.resolve("audit.log");
        ObjectValue input = ObjectValue.of("header", StringValue.of(HOSTILE));
        AuditRecord r = AuditRecord.builder()
                .time(Records.T0)
                .decisionId("d-\n1")
                .agent("agent\u0007")
                .phase(Phase.REQUEST)
                .destination("evil\n.example", null, 80)
                .method("GE\"T")
                .path("/x" + HOSTILE)
                .reason(HOSTILE)
                .policyRevision("r1")
                .secretsInjected(List.of("NAME\n"))
                .input(input)
                .build();
        try (AuditLog log = AuditLog.open(file)) {
            log.append(r).get();
            log.append(Records.decision(2)).get();
        }
        byte[] bytes = Files.readAllBytes(file);
        long newlines = 0;
        for (byte b : bytes) {
            assertTrue(b >= 0x20 && b < 0x7f || b == '\n', "non-printable or non-ASCII byte " + b + " in the log");
            if (b == '\n') {
                newlines++;
            }
        }
        assertEquals(3, newlines, "genesis plus two records, one line each");

        try (AuditLogReader reader = new AuditLogReader(file)) {
            reader.next(); // genesis
            AuditEntry entry = reader.next();
            assertEquals(r, entry.record(), "every field reads back exactly, lone surrogates included");
            assertEquals(2, entry.line());
            assertEquals(3, reader.next().seq());
            assertNull(reader.next());
            assertEquals(0, reader.skipped());
        }
        assertTrue(AuditVerifier.verify(List.of(file), VerifyOptions.none()).intact());
    }
}
