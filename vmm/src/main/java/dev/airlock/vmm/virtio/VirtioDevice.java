package dev.airlock.vmm.virtio;

import dev.airlock.vmm.memory.GuestMemory;
import java.util.List;
import java.util.Map;

/**
 * A virtio device model, independent of the transport that exposes it. Devices never import
 * transports; a transport ({@code virtio.transport}) drives a device only through this
 * interface.
 *
 * <p>Lifecycle: the transport negotiates features and collects queue configurations, then calls
 * {@link #activate} once the driver sets DRIVER_OK; {@link #notifyQueue} for each driver
 * notification; {@link #reset} when the driver writes status 0.
 */
public interface VirtioDevice {

    /** The virtio device ID (1 net, 2 block, 3 console, 4 entropy, ...). */
    int deviceType();

    /** Features offered to the driver, including {@link VirtioFeatures#VERSION_1}. */
    long offeredFeatures();

    int queueCount();

    /** The largest queue size (a power of two) the device accepts on any of its queues. */
    int maxQueueSize();

    /** Reads device-specific configuration space; out-of-range bytes read as zero. */
    void readConfig(long offset, byte[] data);

    /** Writes device-specific configuration space; read-only or out-of-range bytes are ignored. */
    void writeConfig(long offset, byte[] data);

    /** Starts the device with the driver's queues ({@link #queueCount()} of them, already checked). */
    void activate(GuestMemory memory, long ackedFeatures, List<VirtQueue> queues, VirtioInterrupt interrupt);

    /** The driver notified queue {@code index}: process what it made available. */
    void notifyQueue(int index);

    /** Returns to the state before activation; queues are forgotten. */
    void reset();

    /** The device's named counters (including queue faults). */
    Map<String, Long> counters();
}
