package dev.airlock.gateway.audit;

import java.time.Instant;

/**
 * One line of a log as read back.
 *
 * @param line 1-based line number in its file
 * @param seq the record's seq
 * @param kind what the line records
 * @param time the record's time
 * @param record the record, for {@link RecordKind#DECISION} and {@link RecordKind#OUTCOME}
 *     lines; otherwise {@code null}
 * @param json the line exactly as stored (pure ASCII JSON, without the newline)
 */
public record AuditEntry(long line, long seq, RecordKind kind, Instant time, AuditRecord record, String json) {}
