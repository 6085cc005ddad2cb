package dev.airlock.vmm.virtio.net;

import java.nio.ByteBuffer;

/** Accepts Ethernet frames. The buffer (position to limit) is only valid during the call. */
@FunctionalInterface
public interface FrameSink {
    void accept(ByteBuffer frame);
}
