package dev.airlock.vmm.virtio;

import dev.airlock.vmm.memory.GuestMemory;
import dev.airlock.vmm.metrics.Counters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What every device model shares: its {@link DeviceState}, the queue-fault counters, and the
 * steps "pop a chain or fail the device" and "interrupt if the driver wants it". Subclasses
 * implement the device-specific parts; every public method is synchronized on the device, so a
 * device is driven by one thread at a time.
 */
public abstract class VirtioDeviceBase implements VirtioDevice {

    protected final Counters<QueueFault> queueFaults = new Counters<>(QueueFault.class);
    protected DeviceState state = new DeviceState.Inactive();

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

    /**
     * Pops the next chain of {@code queue}; null when there is none. A broken queue counts its
     * fault, fails the device (DEVICE_NEEDS_RESET) and also yields null.
     */
    protected DescriptorChain next(DeviceState.Active active, int queue) {
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

    /** Interrupts the driver if it wants to hear about the used entries just added to {@code queue}. */
    protected void signalUsed(DeviceState.Active active, int queue) {
        VirtQueue q = active.queue(queue);
        if (q != null && q.needsInterrupt()) {
            active.interrupt().usedBuffers();
        }
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
