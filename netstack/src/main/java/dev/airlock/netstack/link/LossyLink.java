package dev.airlock.netstack.link;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Wraps a link and applies seeded random drop, duplication and reordering to frames in both
 * directions. The kernels this project is tested on have no netem, so loss tests use this.
 */
public final class LossyLink implements LinkEndpoint {
    private final LinkEndpoint inner;
    private final ScheduledExecutorService timer;
    private final Impairment toStack;
    private final Impairment toGuest;
    private volatile FrameReceiver receiver;

    /** Rates are probabilities per frame in [0, 1); each direction gets its own seeded stream. */
    public LossyLink(LinkEndpoint inner, long seed, double dropRate, double duplicateRate, double reorderRate) {
        this.inner = inner;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "lossy-link-timer");
            t.setDaemon(true);
            return t;
        });
        this.toStack = new Impairment(seed, dropRate, duplicateRate, reorderRate, timer, f -> {
            FrameReceiver rcv = receiver;
            if (rcv == null) f.release(); else rcv.receiveFrame(f);
        });
        this.toGuest = new Impairment(seed * 31 + 7, dropRate, duplicateRate, reorderRate, timer, inner::writeFrame);
    }

    @Override
    public int mtu() {
        return inner.mtu();
    }

    @Override
    public boolean completesTcpChecksums() {
        return inner.completesTcpChecksums();
    }

    @Override
    public void start(FrameReceiver receiver) {
        this.receiver = receiver;
        inner.start(toStack::apply);
    }

    @Override
    public void writeFrame(ByteBuf frame) {
        toGuest.apply(frame);
    }

    /** Frames dropped in both directions so far. */
    public long dropped() {
        return toStack.dropped.get() + toGuest.dropped.get();
    }

    public long duplicated() {
        return toStack.duplicated.get() + toGuest.duplicated.get();
    }

    public long reordered() {
        return toStack.reordered.get() + toGuest.reordered.get();
    }

    @Override
    public void close() {
        timer.shutdownNow();
        toStack.discard();
        toGuest.discard();
        inner.close();
    }
}
