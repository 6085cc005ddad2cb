package dev.airlock.vmm.virtio.console;

import dev.airlock.vmm.metrics.Counters;
import dev.airlock.vmm.virtio.DeviceState;
import dev.airlock.vmm.virtio.VirtioDeviceBase;
import java.util.ArrayDeque;
import java.util.Map;

/**
 * virtio-console (device ID 3, virtio 1.2 section 5.3) with a single port and no multiport or
 * emergency-write features: queue 0 carries bytes to the guest, queue 1 bytes from it. Bytes for
 * the guest wait in a bounded buffer until the driver posts receive buffers; a stream of bytes may
 * be split across buffers in any way, so nothing is dropped while the buffer has room. There is
 * no configuration space: cols, rows and max_nr_ports need features that are not offered.
 */
public final class VirtioConsole extends VirtioDeviceBase {

    public static final int DEVICE_TYPE = 3;
    public static final int RX_QUEUE = 0;
    public static final int TX_QUEUE = 1;
    public static final int QUEUE_SIZE = 256;
    /** Bytes held for the guest; more are dropped and counted. */
    public static final int INPUT_CAPACITY = 1 << 20;
    /** Largest single transmit chain accepted from the guest. */
    public static final int MAX_TX_CHAIN = 1 << 20;

    /** Named counters. */
    public enum Counter { TX_BYTES, RX_BYTES, RX_DROPPED_BYTES, TX_MALFORMED, RX_MALFORMED }

    private final Counters<Counter> counters = new Counters<>(Counter.class);
    private final ConsoleStream stream;
    private final ArrayDeque<byte[]> pending = new ArrayDeque<>();
    private int pendingBytes;
    private int headOffset;

    public VirtioConsole(ConsoleStream stream) {
        super(DEVICE_TYPE, 2, QUEUE_SIZE);
        this.stream = stream;
        stream.connect(this::toGuest);
    }

    @Override
    protected void onReset() {
        pending.clear();
        pendingBytes = 0;
        headOffset = 0;
    }

    @Override
    protected void onNotify(DeviceState.Active active, int queue) {
        if (queue == TX_QUEUE) {
            transmit(active);
        } else if (queue == RX_QUEUE) {
            deliver(active);
        }
    }

    private void transmit(DeviceState.Active active) {
        serveQueue(active, TX_QUEUE, chain -> {
            if (chain.writableLength() != 0 || chain.readableLength() > MAX_TX_CHAIN) {
                counters.increment(Counter.TX_MALFORMED);
            } else if (chain.readableLength() > 0) {
                byte[] bytes = new byte[(int) chain.readableLength()];
                chain.readFrom(active.memory(), 0, bytes, 0, bytes.length);
                counters.add(Counter.TX_BYTES, bytes.length);
                stream.fromGuest(bytes);
            }
            return 0;
        });
    }

    private synchronized void toGuest(byte[] bytes) {
        if (bytes.length == 0) {
            return;
        }
        if (pendingBytes + (long) bytes.length > INPUT_CAPACITY) {
            counters.add(Counter.RX_DROPPED_BYTES, bytes.length);
            return;
        }
        pending.add(bytes.clone());
        pendingBytes += bytes.length;
        if (state instanceof DeviceState.Active active) {
            deliver(active);
        }
    }

    private void deliver(DeviceState.Active active) {
        serveQueue(active, RX_QUEUE, () -> pendingBytes > 0, chain -> {
            if (chain.readableLength() != 0) {
                counters.increment(Counter.RX_MALFORMED);
                return 0;
            }
            long room = chain.writableLength();
            int written = 0;
            while (written < room && !pending.isEmpty()) {
                byte[] head = pending.peek();
                int n = (int) Math.min(head.length - headOffset, room - written);
                chain.writeTo(active.memory(), written, head, headOffset, n);
                written += n;
                headOffset += n;
                if (headOffset == head.length) {
                    pending.poll();
                    headOffset = 0;
                }
            }
            pendingBytes -= written;
            counters.add(Counter.RX_BYTES, written);
            return written;
        });
    }

    /** Bytes waiting for the guest to post receive buffers; writers use it for backpressure. */
    public synchronized int pendingInputBytes() {
        return pendingBytes;
    }

    @Override
    protected Map<String, Long> deviceCounters() {
        return counters.snapshot();
    }
}
