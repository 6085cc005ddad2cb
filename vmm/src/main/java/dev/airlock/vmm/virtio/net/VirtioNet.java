package dev.airlock.vmm.virtio.net;

import dev.airlock.vmm.metrics.Counters;
import dev.airlock.vmm.virtio.DeviceState;
import dev.airlock.vmm.virtio.VirtioDeviceBase;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Map;

/**
 * virtio-net (device ID 1, virtio 1.2 section 5.1): one receive queue (0) and one transmit queue
 * (1), a fixed MAC address, no offloads. Transmitted frames go to the {@link FramePort}; frames
 * from the port wait in a bounded backlog until the driver posts receive buffers.
 *
 * <p>Every frame the device cannot handle is dropped and counted, never thrown: a transmit chain
 * with device-writable buffers, shorter than the 12-byte header plus an Ethernet header, or
 * longer than {@link #MAX_FRAME_SIZE}; a received frame when the backlog is full or the
 * driver's buffer is too small.
 */
public final class VirtioNet extends VirtioDeviceBase implements FrameSink {

    public static final int DEVICE_TYPE = 1;
    public static final int RX_QUEUE = 0;
    public static final int TX_QUEUE = 1;
    public static final int QUEUE_SIZE = 256;
    /** VIRTIO_NET_F_MAC: the device has a MAC address in its configuration space. */
    public static final long F_MAC = 1L << 5;
    /** struct virtio_net_hdr with num_buffers, as used when VIRTIO_F_VERSION_1 is negotiated. */
    public static final int HEADER_SIZE = 12;
    /** Largest Ethernet frame accepted either way: 64 KiB plus an Ethernet header. */
    public static final int MAX_FRAME_SIZE = 65536 + 14;
    public static final int MIN_FRAME_SIZE = 14;
    /** Frames from the port held while the guest has no receive buffer posted. */
    public static final int RX_BACKLOG = 256;

    /** Named counters. */
    public enum Counter {
        TX_FRAMES, TX_BYTES, TX_MALFORMED_FRAMES,
        RX_FRAMES, RX_BYTES, RX_DROPPED_BACKLOG_FULL, RX_DROPPED_BUFFER_TOO_SMALL, RX_DROPPED_INACTIVE,
        RX_DROPPED_BAD_SIZE
    }

    private final Counters<Counter> counters = new Counters<>(Counter.class);
    private final byte[] mac;
    private final FramePort port;
    private final ArrayDeque<byte[]> backlog = new ArrayDeque<>();

    public VirtioNet(byte[] mac, FramePort port) {
        super(DEVICE_TYPE, 2, QUEUE_SIZE);
        if (mac.length != 6) {
            throw new IllegalArgumentException("a MAC address has 6 bytes");
        }
        this.mac = mac.clone();
        this.port = port;
        port.connect(this);
    }

    @Override
    public long offeredFeatures() {
        return COMMON_FEATURES | F_MAC;
    }

    /** Configuration space: mac[6] (the status and later fields need features not offered). */
    @Override
    public void readConfig(long offset, byte[] data) {
        readConfigBytes(mac, offset, data);
    }

    @Override
    public void writeConfig(long offset, byte[] data) {
        // The MAC is read-only when VIRTIO_NET_F_CTRL_MAC_ADDR is not offered.
    }

    @Override
    protected void onReset() {
        backlog.clear();
    }

    @Override
    protected void onNotify(DeviceState.Active active, int queue) {
        if (queue == TX_QUEUE) {
            transmit(active);
        } else if (queue == RX_QUEUE) {
            deliverBacklog(active);
        }
    }

    private void transmit(DeviceState.Active active) {
        serveQueue(active, TX_QUEUE, chain -> {
            long length = chain.readableLength();
            if (chain.writableLength() != 0 || length < HEADER_SIZE + MIN_FRAME_SIZE
                    || length > HEADER_SIZE + MAX_FRAME_SIZE) {
                counters.increment(Counter.TX_MALFORMED_FRAMES);
            } else {
                byte[] frame = new byte[(int) length - HEADER_SIZE];
                chain.readFrom(active.memory(), HEADER_SIZE, frame, 0, frame.length);
                counters.increment(Counter.TX_FRAMES);
                counters.add(Counter.TX_BYTES, frame.length);
                port.send(ByteBuffer.wrap(frame).asReadOnlyBuffer());
            }
            return 0;
        });
    }

    /** A frame from the port for the guest; any thread. */
    @Override
    public synchronized void accept(ByteBuffer frame) {
        if (!(state instanceof DeviceState.Active active)) {
            counters.increment(Counter.RX_DROPPED_INACTIVE);
            return;
        }
        int n = frame.remaining();
        if (n < MIN_FRAME_SIZE || n > MAX_FRAME_SIZE) {
            counters.increment(Counter.RX_DROPPED_BAD_SIZE);
            return;
        }
        if (backlog.size() >= RX_BACKLOG) {
            counters.increment(Counter.RX_DROPPED_BACKLOG_FULL);
            return;
        }
        byte[] copy = new byte[n];
        frame.duplicate().get(copy);
        backlog.add(copy);
        deliverBacklog(active);
    }

    /** Frames wait in the backlog while no receive buffer is posted, until the driver's next RX notification. */
    private void deliverBacklog(DeviceState.Active active) {
        serveQueue(active, RX_QUEUE, () -> !backlog.isEmpty(), chain -> {
            byte[] frame = backlog.poll();
            if (chain.readableLength() != 0 || chain.writableLength() < HEADER_SIZE + frame.length) {
                counters.increment(Counter.RX_DROPPED_BUFFER_TOO_SMALL);
                return 0;
            }
            byte[] header = new byte[HEADER_SIZE];
            header[10] = 1; // num_buffers = 1 (little-endian u16 at offset 10)
            chain.writeTo(active.memory(), 0, header, 0, HEADER_SIZE);
            chain.writeTo(active.memory(), HEADER_SIZE, frame, 0, frame.length);
            counters.increment(Counter.RX_FRAMES);
            counters.add(Counter.RX_BYTES, frame.length);
            return HEADER_SIZE + frame.length;
        });
    }

    /** Frames waiting for receive buffers. */
    public synchronized int backlogSize() {
        return backlog.size();
    }

    @Override
    protected Map<String, Long> deviceCounters() {
        return counters.snapshot();
    }
}
