package dev.airlock.vmm.virtio;

/** Device-independent feature bits (virtio 1.2, section 6). */
public final class VirtioFeatures {

    private VirtioFeatures() {}

    /** VIRTIO_F_INDIRECT_DESC: descriptors may point to tables of descriptors. */
    public static final long INDIRECT_DESC = 1L << 28;
    /** VIRTIO_F_EVENT_IDX: used_event / avail_event suppress notifications. */
    public static final long EVENT_IDX = 1L << 29;
    /** VIRTIO_F_VERSION_1: a modern (non-legacy) device; required by virtio-mmio version 2. */
    public static final long VERSION_1 = 1L << 32;

    public static boolean has(long features, long bit) {
        return (features & bit) != 0;
    }
}
