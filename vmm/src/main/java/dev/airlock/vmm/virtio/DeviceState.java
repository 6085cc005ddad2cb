package dev.airlock.vmm.virtio;

import dev.airlock.vmm.memory.GuestMemory;
import java.util.List;

/** Where a virtio device is in its life: before activation, running, or failed by its driver. */
public sealed interface DeviceState {

    /** Not activated yet, or reset by the driver. */
    record Inactive() implements DeviceState {}

    /** Activated: the negotiated features and the driver's queues (null for a queue left unready). */
    record Active(GuestMemory memory, long features, List<VirtQueue> queues, VirtioInterrupt interrupt)
            implements DeviceState {
        public VirtQueue queue(int i) {
            return i < queues.size() ? queues.get(i) : null;
        }
    }

    /** The driver broke the device; it stays inert until the driver resets it. */
    record Failed(String reason) implements DeviceState {}
}
