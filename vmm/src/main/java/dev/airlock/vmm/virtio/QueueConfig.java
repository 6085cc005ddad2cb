package dev.airlock.vmm.virtio;

/**
 * What the driver configured for one queue through the transport: its size and the
 * guest-physical addresses of the descriptor table, the available ("driver") ring and the used
 * ("device") ring.
 */
public record QueueConfig(int size, long descTable, long availRing, long usedRing) {}
