package dev.airlock.gateway.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * The append-only, hash-chained audit log (format in {@code docs/audit.md}).
 *
 * <h2>Threading</h2>
 * {@link #append} is safe from any number of threads (Netty event loops included) and never
 * blocks on the disk: it encodes the record on the calling thread, queues it and returns a
 * future. One writer thread per log chains, writes and forces queued records in batches
 * (group commit) and completes the futures — so callbacks attached with the non-async
 * {@code CompletableFuture} methods run on the writer thread and must only hand off (e.g.
 * {@code ctx.executor().execute(...)}), never block or do real work.
 *
 * <h2>Durability</h2>
 * A future completes with the record's seq only after its line was written and forced
 * ({@code FileChannel.force}); only then may the gateway send the response the record
 * describes. A future fails with {@link AuditLogException} when the record was not made
 * durable — then the gateway must deny (fail closed).
 *
 * <h2>Back-pressure</h2>
 * The queue is bounded ({@link AuditLogOptions#queueCapacity()}). When it is full — the disk
 * cannot keep up — {@code append} does <em>not</em> block the caller (that would stall every
 * connection on an event loop); it returns an already-failed future and the request is
 * denied. {@link AuditLogStats#rejectedRecords()} counts these.
 */
public final class AuditLog implements AutoCloseable {
    /**
     * The most torn bytes open will move aside. A crash tears at most one batch (a few MiB);
     * more means the file is not what we think, and "repairing" it would be wrong.
     */
    static final long MAX_TORN_BYTES = 64L * 1024 * 1024;

    private final Path path;
    private final BlockingQueue<AuditWriter.Task> queue;
    private final AuditWriter writer;
    private final Thread thread;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final LongAdder rejected = new LongAdder();
    private final TornTail recovered;

    private AuditLog(Path path, AuditLogOptions options, LogFile file, HashChain chain, TornTail recovered,
            ChannelOpener opener) {
        this.path = path;
        this.recovered = recovered;
        this.queue = new ArrayBlockingQueue<>(options.queueCapacity());
        this.writer = new AuditWriter(queue, file, chain, options, opener);
        this.thread = Thread.ofPlatform().name("airlock-audit-writer").daemon(true).unstarted(writer);
    }

    /** Opens (or creates) the log at {@code path} with {@link AuditLogOptions#defaults()}. */
    public static AuditLog open(Path path) throws IOException {
        return open(path, AuditLogOptions.defaults());
    }

    /**
     * Opens (or creates) the log at {@code path} and starts its writer thread.
     *
     * <p>A new file starts with a genesis record. An existing file is continued from its last
     * record, found by reading backwards from the end. A torn tail left by a crash is moved to
     * {@code FILE.torn-<time>}, cut off, and a recovery record naming it is appended. Opening
     * fails with {@link AuditLogException} — touching nothing — when the head file shows that
     * durable records are missing from the end, or when the file does not end with records.
     */
    public static AuditLog open(Path path, AuditLogOptions options) throws IOException {
        return open(path, options, ChannelOpener.FILES);
    }

    static AuditLog open(Path path, AuditLogOptions options, ChannelOpener opener) throws IOException {
        Objects.requireNonNull(options, "options");
        Path parent = path.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        boolean existed = Files.exists(path);
        Optional<AuditHead> head = AuditHead.read(AuditHead.pathFor(path)); // before open creates it
        LogFile file = LogFile.open(path, options.writeHead(), opener);
        try {
            LogTail tail = LogTail.read(file.channel(), path);
            checkAgainstHead(path, head, tail);
            Instant now = options.clock().instant();
            if (tail.torn() != null && tail.torn().length() > MAX_TORN_BYTES) {
                throw new AuditLogException(path + " ends in " + tail.torn().length() + " bytes that are not complete"
                        + " records, more than one crashed batch can leave; it was left untouched. Check the path;"
                        + " if it is an audit log, run `airlock audit verify " + path + "` and move it aside.");
            }
            TornTail torn = tail.torn() == null ? null : file.moveAside(tail.torn(), now);
            HashChain chain = new HashChain(tail.lastSeq(), tail.lastHash());
            LineBuffer lines = new LineBuffer(1024);
            if (chain.lastSeq() == 0) {
                chain.link(AuditRecordEncoder.genesis(now, null), lines);
            }
            if (torn != null) {
                chain.link(AuditRecordEncoder.recovery(now, torn), lines);
            }
            if (lines.size() > 0) {
                file.append(lines);
                file.force();
            }
            if (!existed) {
                LogFile.syncDirectory(path);
            }
            if (options.writeHead()) {
                file.writeHead(new AuditHead(chain.lastSeq(), chain.lastHash(), now));
            }
            AuditLog log = new AuditLog(path, options, file, chain, torn, opener);
            log.thread.start();
            return log;
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /**
     * Refuses to continue a log whose end is behind its head: records that were durable (and
     * acknowledged) are gone, and appending would bury that under fresh records.
     */
    private static void checkAgainstHead(Path path, Optional<AuditHead> head, LogTail tail) throws IOException {
        Path headFile = AuditHead.pathFor(path);
        if (head.isEmpty()) {
            return;
        }
        AuditHead h = head.get();
        String advice = " Keep both files as evidence, run `airlock audit verify " + path + "`, and start a new"
                + " log by moving " + path + " and " + headFile + " aside.";
        if (h.seq() > tail.lastSeq()) {
            throw new AuditLogException("audit log " + path + " ends at seq " + tail.lastSeq() + " but its head file "
                    + headFile + " records seq " + h.seq() + ": durable records were removed from the end." + advice);
        }
        if (h.seq() == tail.lastSeq() && !h.hash().equals(tail.lastHash())) {
            throw new AuditLogException("the last record of audit log " + path + " (seq " + h.seq() + ") does not"
                    + " match the hash in its head file " + headFile + ": it was altered or replaced." + advice);
        }
    }

    /**
     * Queues a record; the future completes with its seq once the line is on disk (forced),
     * or fails with {@link AuditLogException} — at once when the queue is full or the log is
     * closed, later when the write fails. Never blocks.
     */
    public CompletableFuture<Long> append(AuditRecord record) {
        Objects.requireNonNull(record, "record");
        AuditLogException unusable = unusable();
        if (unusable != null) {
            rejected.increment();
            return CompletableFuture.failedFuture(unusable);
        }
        byte[] body;
        try {
            body = AuditRecordEncoder.decision(record);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(new AuditLogException("audit record could not be encoded: "
                    + e.getMessage(), e));
        }
        AuditWriter.Append task = new AuditWriter.Append(body, new CompletableFuture<>());
        if (!queue.offer(task)) {
            rejected.increment();
            return CompletableFuture.failedFuture(new AuditLogException("audit queue for " + path + " is full ("
                    + queue.size() + " records waiting): the disk is not keeping up, so the request must be denied"));
        }
        // close() may have finished between the check above and the offer: then nobody will
        // take the task, so take it back and fail it (if the writer got it, it failed it).
        if (writer.terminated() && queue.remove(task)) {
            task.future().completeExceptionally(writer.broken() != null ? writer.broken() : closedError());
        }
        return task.future();
    }

    /**
     * Rotates the log: the current file (and its head) is renamed to {@code archive}, and a new
     * file is started at this log's path whose genesis record continues the chain. Records
     * appended before this call go to the archive, later ones to the new file.
     */
    public CompletableFuture<Path> rotate(Path archive) {
        AuditLogException unusable = unusable();
        if (unusable != null) {
            return CompletableFuture.failedFuture(unusable);
        }
        AuditWriter.Rotate task = new AuditWriter.Rotate(archive, new CompletableFuture<>());
        if (!queue.offer(task)) {
            return CompletableFuture.failedFuture(new AuditLogException("audit queue for " + path
                    + " is full; try rotating again when the disk has caught up"));
        }
        if (writer.terminated() && queue.remove(task)) {
            task.future().completeExceptionally(closedError());
        }
        return task.future();
    }

    public Path path() {
        return path;
    }

    /** The torn tail this open moved aside and recorded, if there was one. */
    public Optional<Path> recoveredTornFile() {
        return recovered == null ? Optional.empty() : Optional.of(path.resolveSibling(recovered.savedAs()));
    }

    public AuditLogStats stats() {
        return writer.stats(rejected.sum());
    }

    /**
     * Writes and forces everything queued before this call, forces the head, releases the
     * file. Appends after {@code close} fail. Idempotent.
     */
    @Override
    public void close() throws IOException {
        if (closed.compareAndSet(false, true)) {
            AuditWriter.Close task = new AuditWriter.Close(new CompletableFuture<>());
            try {
                // The queue may be full; wait for room unless the writer is already gone.
                while (!writer.terminated() && !queue.offer(task, 100, TimeUnit.MILLISECONDS)) {
                    // keep waiting: the writer is draining
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AuditLogException("interrupted while closing audit log " + path);
            }
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuditLogException("interrupted while closing audit log " + path);
        }
        AuditLogException broken = writer.broken();
        if (broken != null) {
            throw broken;
        }
    }

    private AuditLogException unusable() {
        if (closed.get() || writer.terminated()) {
            AuditLogException broken = writer.broken();
            return broken != null ? broken : closedError();
        }
        return writer.broken();
    }

    private AuditLogException closedError() {
        return new AuditLogException("audit log " + path + " is closed");
    }
}
