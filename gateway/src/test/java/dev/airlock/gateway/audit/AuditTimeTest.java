package dev.airlock.gateway.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AuditTimeTest {
    private static final DateTimeFormatter REFERENCE =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    @Test
    void formatsLikeTheReferenceFormatterAndReadsBack() {
        SplittableRandom random = new SplittableRandom(42);
        long max = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
        for (int i = 0; i < 100_000; i++) {
            Instant t = Instant.ofEpochSecond(random.nextLong(0, max), random.nextInt(1_000_000_000));
            String text = AuditTime.format(t);
            assertEquals(REFERENCE.format(t), text);
            assertEquals(t.getEpochSecond(), AuditTime.parse(text).getEpochSecond());
        }
        assertEquals("1970-01-01T00:00:00.000000Z", AuditTime.format(Instant.EPOCH));
        assertEquals("2025-03-01T12:00:00.123456Z", AuditTime.format(Instant.parse("2025-03-01T12:00:00.123456789Z")));
    }
}
