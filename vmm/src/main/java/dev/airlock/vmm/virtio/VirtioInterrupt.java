package dev.airlock.vmm.virtio;

/** How an active device signals its driver; implemented by the transport. */
public interface VirtioInterrupt {

    /** The device put buffers in a used ring (interrupt status bit 0). */
    void usedBuffers();

    /** The device's configuration space changed (interrupt status bit 1). */
    void configChanged();

    /**
     * The driver broke the device (a bad queue or request): set DEVICE_NEEDS_RESET and tell the
     * driver with a configuration-change interrupt. {@code reason} is for the operator's log.
     */
    void needsReset(String reason);
}
