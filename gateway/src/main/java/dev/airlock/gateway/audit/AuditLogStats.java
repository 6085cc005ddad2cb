package dev.airlock.gateway.audit;

/**
 * Counters for monitoring (and for proving that group commit batches).
 *
 * @param records records written and forced since open (including genesis and recovery)
 * @param batches writes, each followed by one force
 * @param forces {@code FileChannel.force} calls on the log
 * @param failedRecords records whose futures failed because of an I/O error
 * @param rejectedRecords appends refused because the queue was full or the log closed
 * @param headWriteErrors head-file updates that failed (the log itself was written)
 * @param lastSeq seq of the last durable record
 */
public record AuditLogStats(long records, long batches, long forces, long failedRecords, long rejectedRecords,
        long headWriteErrors, long lastSeq) {}
