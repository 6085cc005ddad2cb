package dev.airlock.vmm.virtio;

import dev.airlock.vmm.memory.GuestMemory;
import dev.airlock.vmm.metrics.Counters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.ToIntFunction;

/**
 * What every device model shares: its identity (type, queue count, queue size), the features
 * every device offers, an empty configuration space unless the device has one, its
 * {@link DeviceState}, the queue-fault counters, and the loop that serves a queue — pop each
 * chain (a broken queue fails the device), let the device handle it, return it used, interrupt
 * the driver once if it wants that. Subclasses implement the device-specific parts; every
 * public method is synchronized on the device, so a device is driven by one thread at a time.
 */
public abstract class VirtioDeviceBase implements VirtioDevice {

    /** Offered by every device: virtio 1.x, event-index notification suppression, indirect descriptors. */
    protected static final long COMMON_FEATURES =
            VirtioFeatures.VERSION_1 | VirtioFeatures.EVENT_IDX | VirtioFeatures.INDIRECT_DESC;

    protected final Counters<QueueFault> queueFaults = new Counters<>(QueueFault.class);
    protected DeviceState state = new DeviceState.Inactive();
    private final int deviceType;
    private final int queueCount;
    private final int queueSize;

    /** @param queueSize the largest queue the device accepts on each of its queues (a power of two) */
    protected VirtioDeviceBase(int deviceType, int queueCount, int queueSize) {
        this.deviceType = deviceType;
        this.queueCount = queueCount;
        this.queueSize = queueSize;
    }

    @Override
    public final int deviceType() {
        return deviceType;
    }

    @Override
    public final int queueCount() {
        return queueCount;
    }

    @Override
    public final int maxQueueSize() {
        return queueSize;
    }

    /** {@link #COMMON_FEATURES}; devices with feature bits of their own add them. */
    @Override
    public long offeredFeatures() {
        return COMMON_FEATURES;
    }

    /** No configuration space: every byte reads as zero. */
    @Override
    public void readConfig(long offset, byte[] data) {
        java.util.Arrays.fill(data, (byte) 0);
    }

    /** No writable configuration: writes are ignored. */
    @Override
    public void writeConfig(long offset, byte[] data) {}

    @Override
    public synchronized void activate(GuestMemory memory, long ackedFeatures, List<VirtQueue> queues,
                                      VirtioInterrupt interrupt) {
        state = new DeviceState.Active(memory, ackedFeatures, new ArrayList<>(queues), interrupt);
        onActivate((DeviceState.Active) state);
    }

    @Override
    public synchronized void reset() {
        state = new DeviceState.Inactive();
        onReset();
    }

    @Override
    public synchronized void notifyQueue(int index) {
        if (state instanceof DeviceState.Active active && active.queue(index) != null) {
            onNotify(active, index);
        }
    }

    public synchronized DeviceState state() {
        return state;
    }

    /** Called (locked) when the driver sets DRIVER_OK. */
    protected void onActivate(DeviceState.Active active) {}

    /** Called (locked) when the driver resets the device. */
    protected void onReset() {}

    /** Called (locked) for a notification on an existing, ready queue while active. */
    protected abstract void onNotify(DeviceState.Active active, int queue);

    /** Serves every chain the driver made available on {@code queue}; see {@link #serveQueue(DeviceState.Active, int, BooleanSupplier, ToIntFunction)}. */
    protected void serveQueue(DeviceState.Active active, int queue, ToIntFunction<DescriptorChain> serve) {
        serveQueue(active, queue, () -> true, serve);
    }

    /**
     * While {@code more} holds (checked before each chain is taken, so none is taken for nothing)
     * and the driver has chains available on {@code queue}, hands each to {@code serve}, which
     * returns how many bytes it wrote into the chain's writable buffers, and returns the chain to
     * the driver; then interrupts the driver once, if it asked to be. A broken queue stops the
     * loop and fails the device.
     */
    protected void serveQueue(DeviceState.Active active, int queue, BooleanSupplier more,
                              ToIntFunction<DescriptorChain> serve) {
        boolean used = false;
        DescriptorChain chain;
        while (more.getAsBoolean() && (chain = next(active, queue)) != null) {
            int written = serve.applyAsInt(chain);
            active.queue(queue).addUsed(chain, written);
            used = true;
        }
        VirtQueue q = active.queue(queue);
        if (used && q.needsInterrupt()) {
            active.interrupt().usedBuffers();
        }
    }

    /**
     * Pops the next chain of {@code queue}; null when there is none. A broken queue counts its
     * fault, fails the device (DEVICE_NEEDS_RESET) and also yields null.
     */
    private DescriptorChain next(DeviceState.Active active, int queue) {
        VirtQueue q = active.queue(queue);
        if (q == null || state != active) {
            return null;
        }
        return switch (q.pop()) {
            case PopResult.Chain c -> c.chain();
            case PopResult.Empty e -> null;
            case PopResult.Broken b -> {
                queueFaults.increment(b.fault());
                String reason = "queue " + queue + ": " + b.fault().description();
                state = new DeviceState.Failed(reason);
                active.interrupt().needsReset(reason);
                yield null;
            }
        };
    }

    /** Device-specific counters by name. */
    protected abstract Map<String, Long> deviceCounters();

    @Override
    public synchronized Map<String, Long> counters() {
        Map<String, Long> all = new LinkedHashMap<>(deviceCounters());
        all.putAll(queueFaults.snapshot());
        return all;
    }

    /** Copies the requested window of {@code config} into {@code data}, zero outside it. */
    protected static void readConfigBytes(byte[] config, long offset, byte[] data) {
        for (int i = 0; i < data.length; i++) {
            long at = offset + i;
            data[i] = at >= 0 && at < config.length ? config[(int) at] : 0;
        }
    }
}
