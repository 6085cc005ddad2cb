package dev.airlock.vmm.virtio.rng;

import dev.airlock.vmm.metrics.Counters;
import dev.airlock.vmm.virtio.DeviceState;
import dev.airlock.vmm.virtio.VirtioDeviceBase;
import java.security.SecureRandom;
import java.util.Map;

/**
 * virtio-rng (device ID 4, virtio 1.2 section 5.4): fills each device-writable buffer the
 * driver posts with bytes from the host's {@link SecureRandom}, at most
 * {@link #MAX_BYTES_PER_REQUEST} per request.
 */
public final class VirtioRng extends VirtioDeviceBase {

    public static final int DEVICE_TYPE = 4;
    public static final int QUEUE_SIZE = 256;
    /** Upper bound on bytes produced for one request, so one request cannot stall the vCPU. */
    public static final int MAX_BYTES_PER_REQUEST = 64 * 1024;

    /** Named counters. */
    public enum Counter { REQUESTS, BYTES, MALFORMED_REQUESTS }

    private final Counters<Counter> counters = new Counters<>(Counter.class);
    private final SecureRandom random;

    public VirtioRng(SecureRandom random) {
        super(DEVICE_TYPE, 1, QUEUE_SIZE);
        this.random = random;
    }

    public VirtioRng() {
        this(new SecureRandom());
    }

    @Override
    protected void onNotify(DeviceState.Active active, int queue) {
        serveQueue(active, 0, chain -> {
            counters.increment(Counter.REQUESTS);
            if (chain.readableLength() != 0 || chain.writableLength() == 0) {
                counters.increment(Counter.MALFORMED_REQUESTS); // requests are write-only buffers
                return 0;
            }
            byte[] bytes = new byte[(int) Math.min(chain.writableLength(), MAX_BYTES_PER_REQUEST)];
            random.nextBytes(bytes);
            int written = chain.writeTo(active.memory(), 0, bytes, 0, bytes.length);
            counters.add(Counter.BYTES, written);
            return written;
        });
    }

    @Override
    protected Map<String, Long> deviceCounters() {
        return counters.snapshot();
    }
}
