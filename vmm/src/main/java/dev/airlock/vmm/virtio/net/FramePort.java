package dev.airlock.vmm.virtio.net;

import java.nio.ByteBuffer;

/**
 * Where a virtio-net device's frames go and come from: the link between the guest's NIC and the
 * network behind it (the netstack's in-memory port, a TAP device, a test peer). Frames are
 * Ethernet II frames without FCS.
 *
 * <p>This is the vmm's own small interface so the device does not depend on the netstack; the
 * netstack's frame port is adapted to it with a few lines ({@code send} forwards to the stack,
 * the stack's outbound callback calls the registered {@link FrameSink}).
 */
public interface FramePort {

    /**
     * A frame the guest transmitted. The buffer (position to limit) is valid only during the
     * call; copy it to keep it. Called on the device's thread; must not block for long.
     */
    void send(ByteBuffer frame);

    /**
     * Registers the device's receive side: the port calls {@code guest.accept(frame)}, from any
     * thread, for each frame that should reach the guest.
     */
    void connect(FrameSink guest);
}
