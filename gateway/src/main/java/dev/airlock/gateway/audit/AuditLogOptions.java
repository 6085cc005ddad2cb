package dev.airlock.gateway.audit;

import java.time.Clock;
import java.util.Objects;

/**
 * How an {@link AuditLog} behaves under load.
 *
 * @param queueCapacity records that may wait for the writer thread; when full, {@code append}
 *     fails at once instead of blocking (see {@link AuditLog#append})
 * @param maxBatchRecords most records written with one write and one force
 * @param writeHead keep {@code FILE.head} up to date (see {@link AuditHead})
 * @param clock time for the log's own records (genesis, recovery) and torn-file names
 */
public record AuditLogOptions(int queueCapacity, int maxBatchRecords, boolean writeHead, Clock clock) {
    /** At 20,000 records/s this absorbs about three seconds of a stalled disk. */
    public static final int DEFAULT_QUEUE_CAPACITY = 65_536;
    public static final int DEFAULT_MAX_BATCH_RECORDS = 8_192;

    public AuditLogOptions {
        if (queueCapacity < 1 || maxBatchRecords < 1) {
            throw new IllegalArgumentException("queueCapacity and maxBatchRecords must be at least 1");
        }
        Objects.requireNonNull(clock, "clock");
    }

    public static AuditLogOptions defaults() {
        return new AuditLogOptions(DEFAULT_QUEUE_CAPACITY, DEFAULT_MAX_BATCH_RECORDS, true, Clock.systemUTC());
    }

    public AuditLogOptions withQueueCapacity(int n) {
        return new AuditLogOptions(n, maxBatchRecords, writeHead, clock);
    }

    public AuditLogOptions withMaxBatchRecords(int n) {
        return new AuditLogOptions(queueCapacity, n, writeHead, clock);
    }

    public AuditLogOptions withWriteHead(boolean b) {
        return new AuditLogOptions(queueCapacity, maxBatchRecords, b, clock);
    }

    public AuditLogOptions withClock(Clock c) {
        return new AuditLogOptions(queueCapacity, maxBatchRecords, writeHead, c);
    }
}
