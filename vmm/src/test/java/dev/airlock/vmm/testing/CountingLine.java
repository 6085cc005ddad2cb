package dev.airlock.vmm.testing;

import dev.airlock.vmm.bus.InterruptLine;
import java.util.concurrent.atomic.AtomicInteger;

/** An interrupt line that counts rising edges. */
public final class CountingLine implements InterruptLine {
    private final AtomicInteger edges = new AtomicInteger();
    private volatile boolean high;

    @Override
    public void set(boolean level) {
        if (level && !high) {
            edges.incrementAndGet();
        }
        high = level;
    }

    public int edges() {
        return edges.get();
    }
}
