package dev.airlock.vmm.virtio;

/**
 * The ways a driver can break a split virtqueue. Each is a named counter of the device whose
 * queue it broke; any of them puts the device in DEVICE_NEEDS_RESET.
 */
public enum QueueFault {
    /** Queue size not a power of two, or larger than the device's maximum. */
    BAD_QUEUE_SIZE("queue size is not a power of two within the device maximum"),
    /** A ring (descriptor table, available or used ring) lies outside RAM or is misaligned. */
    BAD_RING_ADDRESS("a ring is outside guest RAM or misaligned"),
    /** The available index moved ahead by more than the queue size. */
    AVAIL_INDEX_JUMP("available index advanced by more than the queue size"),
    /** A head or next index past the end of its descriptor table. */
    INDEX_OUT_OF_RANGE("descriptor index past the end of its table"),
    /** A buffer that is not wholly inside guest RAM. */
    DESCRIPTOR_OUT_OF_BOUNDS("descriptor buffer outside guest RAM"),
    /** A chain that visits a descriptor twice. */
    DESCRIPTOR_LOOP("descriptor chain loops"),
    /** A chain with more descriptors than the queue size. */
    CHAIN_TOO_LONG("descriptor chain longer than the queue size"),
    /** An indirect descriptor inside an indirect table. */
    NESTED_INDIRECT("indirect descriptor inside an indirect table"),
    /** An indirect descriptor with NEXT set, a zero or non-multiple-of-16 length, or one outside RAM. */
    BAD_INDIRECT_TABLE("malformed indirect descriptor table"),
    /** An indirect descriptor when VIRTIO_F_INDIRECT_DESC was not negotiated. */
    INDIRECT_NOT_NEGOTIATED("indirect descriptor without VIRTIO_F_INDIRECT_DESC"),
    /** A device-readable buffer after a device-writable one. */
    READABLE_AFTER_WRITABLE("device-readable descriptor after a device-writable one");

    private final String description;

    QueueFault(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
