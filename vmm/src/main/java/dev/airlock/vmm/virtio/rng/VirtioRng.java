package dev.airlock.vmm.virtio.rng;

import dev.airlock.vmm.metrics.Counters;
import dev.airlock.vmm.virtio.DescriptorChain;
import dev.airlock.vmm.virtio.DeviceState;
import dev.airlock.vmm.virtio.VirtioDeviceBase;
import dev.airlock.vmm.virtio.VirtioFeatures;
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
        this.random = random;
    }

    public VirtioRng() {
        this(new SecureRandom());
    }

    @Override
    public int deviceType() {
        return DEVICE_TYPE;
    }

    @Override
    public long offeredFeatures() {
        return VirtioFeatures.VERSION_1 | VirtioFeatures.EVENT_IDX | VirtioFeatures.INDIRECT_DESC;
    }

    @Override
    public int queueCount() {
        return 1;
    }

    @Override
    public int maxQueueSize() {
        return QUEUE_SIZE;
    }

    @Override
    public void readConfig(long offset, byte[] data) {
        readConfigBytes(new byte[0], offset, data);
    }

    @Override
    public void writeConfig(long offset, byte[] data) {}

    @Override
    protected void onNotify(DeviceState.Active active, int queue) {
        DescriptorChain chain;
        boolean used = false;
        while ((chain = next(active, 0)) != null) {
            counters.increment(Counter.REQUESTS);
            int written = 0;
            if (chain.readableLength() != 0 || chain.writableLength() == 0) {
                counters.increment(Counter.MALFORMED_REQUESTS); // requests are write-only buffers
            } else {
                byte[] bytes = new byte[(int) Math.min(chain.writableLength(), MAX_BYTES_PER_REQUEST)];
                random.nextBytes(bytes);
                written = chain.writeTo(active.memory(), 0, bytes, 0, bytes.length);
                counters.add(Counter.BYTES, written);
            }
            active.queue(0).addUsed(chain, written);
            used = true;
        }
        if (used) {
            signalUsed(active, 0);
        }
    }

    @Override
    protected Map<String, Long> deviceCounters() {
        return counters.snapshot();
    }
}
