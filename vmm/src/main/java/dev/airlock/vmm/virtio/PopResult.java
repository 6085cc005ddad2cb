package dev.airlock.vmm.virtio;

/** What {@link VirtQueue#pop()} found. */
public sealed interface PopResult {

    /** A validated chain the device now owns until it returns it with {@link VirtQueue#addUsed}. */
    record Chain(DescriptorChain chain) implements PopResult {}

    /** The driver has made nothing new available. */
    record Empty() implements PopResult {}

    /** The driver broke the queue; the queue stays broken until the device is reset. */
    record Broken(QueueFault fault) implements PopResult {}
}
