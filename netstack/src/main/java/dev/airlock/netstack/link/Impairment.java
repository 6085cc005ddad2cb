package dev.airlock.netstack.link;

import io.netty.buffer.ByteBuf;
import java.util.SplittableRandom;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Seeded loss, duplication and reordering for one direction of a {@link LossyLink}. A frame
 * picked for reordering is held back until the next frame has passed (or a short timer fires),
 * so it arrives after a later frame instead of being lost.
 */
final class Impairment {
    private static final long HOLD_MILLIS = 3;

    private final SplittableRandom random;
    private final double drop;
    private final double duplicate;
    private final double reorder;
    private final ScheduledExecutorService timer;
    private final Consumer<ByteBuf> out;
    private ByteBuf held;

    final AtomicLong dropped = new AtomicLong();
    final AtomicLong duplicated = new AtomicLong();
    final AtomicLong reordered = new AtomicLong();

    Impairment(long seed, double drop, double duplicate, double reorder, ScheduledExecutorService timer,
               Consumer<ByteBuf> out) {
        this.random = new SplittableRandom(seed);
        this.drop = drop;
        this.duplicate = duplicate;
        this.reorder = reorder;
        this.timer = timer;
        this.out = out;
    }

    void apply(ByteBuf frame) {
        ByteBuf first;
        ByteBuf second = null;
        ByteBuf third = null;
        synchronized (this) {
            if (random.nextDouble() < drop) {
                dropped.incrementAndGet();
                frame.release();
                return;
            }
            if (random.nextDouble() < duplicate) {
                duplicated.incrementAndGet();
                third = frame.copy();
            }
            if (held == null && random.nextDouble() < reorder) {
                reordered.incrementAndGet();
                held = frame;
                ByteBuf mine = frame;
                timer.schedule(() -> flush(mine), HOLD_MILLIS, TimeUnit.MILLISECONDS);
                if (third == null) {
                    return;
                }
                first = third;
                third = null;
            } else {
                first = frame;
                second = held;
                held = null;
            }
        }
        out.accept(first);
        if (second != null) out.accept(second);
        if (third != null) out.accept(third);
    }

    private void flush(ByteBuf expected) {
        ByteBuf f;
        synchronized (this) {
            if (held != expected) {
                return;
            }
            f = held;
            held = null;
        }
        out.accept(f);
    }

    synchronized void discard() {
        if (held != null) {
            held.release();
            held = null;
        }
    }
}
