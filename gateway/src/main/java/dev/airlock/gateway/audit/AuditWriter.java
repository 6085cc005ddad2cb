package dev.airlock.gateway.audit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;

/**
 * The single writer thread's loop. It takes everything queued (up to a batch limit), chains
 * and hashes each body into one buffer, writes the buffer, forces once, and only then
 * completes the batch's futures — group commit: under load a batch grows to whatever
 * arrived during the previous force, so the number of forces tracks the disk's speed, not
 * the request rate.
 *
 * <p>A batch that cannot be written is cut off the file again and the chain rolled back, so
 * the log stays verifiable and the next batch can still succeed (disk full is often
 * transient). If even the cut fails, the writer is broken: every later append fails.
 */
final class AuditWriter implements Runnable {
    /** Work for the writer thread, in queue order. */
    sealed interface Task permits Append, Rotate, Close {}

    /** A record body waiting to be chained; {@code future} completes with its seq. */
    record Append(byte[] body, CompletableFuture<Long> future) implements Task {}

    record Rotate(Path archive, CompletableFuture<Path> future) implements Task {}

    record Close(CompletableFuture<Void> future) implements Task {}

    private final BlockingQueue<Task> queue;
    private final int maxBatch;
    private final boolean withHead;
    private final Clock clock;
    private final ChannelOpener opener;
    private final HashChain chain;
    private final LineBuffer buffer = new LineBuffer(1 << 16);
    private final List<Task> batch = new ArrayList<>();
    private final List<Append> pending = new ArrayList<>();
    private final List<Long> pendingSeqs = new ArrayList<>();
    private LogFile file;
    private HashChain.Mark mark;

    private volatile boolean terminated;
    private volatile AuditLogException broken;
    private volatile long records;
    private volatile long batches;
    private volatile long forces;
    private volatile long failedRecords;
    private volatile long headWriteErrors;
    private volatile long durableSeq;

    AuditWriter(BlockingQueue<Task> queue, LogFile file, HashChain chain, AuditLogOptions options,
            ChannelOpener opener) {
        this.opener = opener;
        this.queue = queue;
        this.file = file;
        this.chain = chain;
        this.maxBatch = options.maxBatchRecords();
        this.withHead = options.writeHead();
        this.clock = options.clock();
        this.mark = chain.mark();
        this.durableSeq = chain.lastSeq();
    }

    boolean terminated() {
        return terminated;
    }

    AuditLogException broken() {
        return broken;
    }

    AuditLogStats stats(long rejected) {
        return new AuditLogStats(records, batches, forces, failedRecords, rejected, headWriteErrors, durableSeq);
    }

    @Override
    public void run() {
        try {
            while (true) {
                batch.add(queue.take());
                queue.drainTo(batch, maxBatch - 1);
                for (int i = 0; i < batch.size(); i++) {
                    switch (batch.get(i)) {
                        case Append a -> add(a);
                        case Rotate r -> {
                            commit();
                            rotate(r);
                        }
                        case Close c -> {
                            commit();
                            finish(c, i);
                            return;
                        }
                    }
                }
                batch.clear();
                commit();
            }
        } catch (InterruptedException e) {
            broken = new AuditLogException("audit writer thread was interrupted; the log is closed");
        } catch (RuntimeException | Error e) {
            broken = new AuditLogException("audit writer failed unexpectedly (a bug): " + e, e);
            throw e;
        } finally {
            terminated = true;
            AuditLogException why = broken != null ? broken : new AuditLogException("audit log " + file.path() + " is closed");
            for (Append a : pending) {
                a.future().completeExceptionally(why);
            }
            failRemaining(batch, why);
            List<Task> rest = new ArrayList<>();
            queue.drainTo(rest);
            failRemaining(rest, why);
            try {
                file.close();
            } catch (IOException e) {
                // Everything acknowledged was already forced; nothing left to report to.
            }
        }
    }

    private void add(Append a) {
        if (broken != null) {
            a.future().completeExceptionally(broken);
            return;
        }
        pendingSeqs.add(chain.link(a.body(), buffer));
        pending.add(a);
    }

    /** Writes and forces the buffered lines, then completes their futures. */
    private void commit() {
        if (pending.isEmpty()) {
            return;
        }
        long start = file.size();
        try {
            file.append(buffer);
            file.force();
            forces++;
        } catch (IOException e) {
            rollBack(start, e);
            return;
        } finally {
            buffer.clear();
        }
        batches++;
        records += pending.size();
        durableSeq = chain.lastSeq();
        mark = chain.mark();
        for (int i = 0; i < pending.size(); i++) {
            pending.get(i).future().complete(pendingSeqs.get(i));
        }
        pending.clear();
        pendingSeqs.clear();
        updateHead();
    }

    private void rollBack(long start, IOException cause) {
        chain.reset(mark);
        AuditLogException failure = new AuditLogException("audit record not written to " + file.path() + ": " + cause
                + " (the request must be denied; the log was cut back to its last durable record)", cause);
        try {
            file.truncate(start);
            file.force();
        } catch (IOException e) {
            failure.addSuppressed(e);
            broken = new AuditLogException("audit log " + file.path() + " could not be cut back after a failed write ("
                    + e + "); no further records are accepted. Restart airlock: opening the log recovers its tail.",
                    cause);
        }
        failedRecords += pending.size();
        for (Append a : pending) {
            a.future().completeExceptionally(failure);
        }
        pending.clear();
        pendingSeqs.clear();
    }

    private void updateHead() {
        if (!withHead) {
            return;
        }
        try {
            file.writeHead(new AuditHead(chain.lastSeq(), chain.lastHash(), clock.instant()));
        } catch (IOException e) {
            headWriteErrors++;
        }
    }

    /**
     * Renames the current file to {@code archive} (and its head beside it) and starts a new
     * file whose genesis continues the chain: its seq follows the archive's last seq and its
     * prev is the archive's last hash.
     */
    private void rotate(Rotate r) {
        if (broken != null) {
            r.future().completeExceptionally(broken);
            return;
        }
        Path path = file.path();
        if (Files.exists(r.archive())) {
            r.future().completeExceptionally(new AuditLogException("cannot rotate " + path + ": " + r.archive()
                    + " already exists"));
            return;
        }
        try {
            file.close(); // forces the head slot, so the archive's head is exact
            Files.move(path, r.archive(), StandardCopyOption.ATOMIC_MOVE);
            if (withHead) {
                Files.move(AuditHead.pathFor(path), AuditHead.pathFor(r.archive()), StandardCopyOption.ATOMIC_MOVE);
            }
            LogFile.syncDirectory(r.archive());
        } catch (IOException e) {
            broken = new AuditLogException("rotating " + path + " to " + r.archive() + " failed (" + e
                    + "); no further records are accepted. Check both files, then restart airlock.", e);
            r.future().completeExceptionally(broken);
            return;
        }
        try {
            file = LogFile.open(path, withHead, opener);
            chain.link(AuditRecordEncoder.genesis(clock.instant(), r.archive().getFileName().toString()), buffer);
            file.append(buffer);
            file.force();
            LogFile.syncDirectory(path);
            buffer.clear();
            forces++;
            records++;
            durableSeq = chain.lastSeq();
            mark = chain.mark();
            updateHead();
            r.future().complete(r.archive());
        } catch (IOException e) {
            broken = new AuditLogException("starting a new audit log at " + path + " after rotation failed (" + e
                    + "); no further records are accepted. Restart airlock.", e);
            r.future().completeExceptionally(broken);
        }
    }

    private void finish(Close c, int index) {
        // Anything queued behind the close request raced with close(); it is refused.
        List<Task> after = new ArrayList<>(batch.subList(index + 1, batch.size()));
        batch.clear();
        batch.addAll(after);
        c.future().complete(null);
    }

    private static void failRemaining(List<Task> tasks, AuditLogException why) {
        for (Task t : tasks) {
            switch (t) {
                case Append a -> a.future().completeExceptionally(why);
                case Rotate r -> r.future().completeExceptionally(why);
                case Close c -> c.future().complete(null);
            }
        }
        tasks.clear();
    }
}
