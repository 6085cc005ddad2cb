package dev.airlock.vmm.virtio.console;

import java.util.function.Consumer;

/**
 * The host end of a virtio-console port: a byte stream to and from the guest (hvc0), used as the
 * exec channel's transport. Bytes from the guest are passed to {@link #fromGuest}; the stream
 * pushes bytes for the guest into the consumer it is {@linkplain #connect connected} to.
 */
public interface ConsoleStream {

    /** Bytes the guest wrote (owned by the callee). Called on the device's thread. */
    void fromGuest(byte[] bytes);

    /** Registers where bytes for the guest go; the stream may call it from any thread. */
    void connect(Consumer<byte[]> toGuest);
}
