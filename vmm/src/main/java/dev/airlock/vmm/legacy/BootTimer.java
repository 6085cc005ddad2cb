package dev.airlock.vmm.legacy;

import dev.airlock.vmm.bus.BusDevice;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * A one-port device the guest writes when its userspace starts (the first line of /init), so
 * the monitor can tell boot-to-init time without parsing console output. Only the first write
 * counts; reads return 0xff like an empty port.
 */
public final class BootTimer implements BusDevice {

    private final CompletableFuture<Duration> initReached = new CompletableFuture<>();
    private volatile long startNanos = System.nanoTime();

    /** Marks time zero (the monitor calls this as the vCPUs start). */
    public void start() {
        startNanos = System.nanoTime();
    }

    /** Completes with the time from {@link #start} to the guest's first write. */
    public CompletableFuture<Duration> initReached() {
        return initReached;
    }

    @Override
    public void read(long offset, byte[] data) {
        java.util.Arrays.fill(data, (byte) 0xff);
    }

    @Override
    public void write(long offset, byte[] data) {
        initReached.complete(Duration.ofNanos(System.nanoTime() - startNanos));
    }
}
