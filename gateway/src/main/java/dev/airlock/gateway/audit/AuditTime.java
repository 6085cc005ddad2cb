package dev.airlock.gateway.audit;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The log's one time format: RFC 3339 in UTC with exactly six fractional digits
 * ({@code 2025-03-01T12:00:00.123456Z}). A fixed width keeps lines deterministic and lets
 * a reviewer sort or compare timestamps as plain text.
 */
final class AuditTime {
    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private AuditTime() {}

    static String format(Instant time) {
        return FORMAT.format(time);
    }

    /** Parses any RFC 3339 timestamp (offsets other than Z included). */
    static Instant parse(String text) {
        return java.time.OffsetDateTime.parse(text).toInstant();
    }
}
