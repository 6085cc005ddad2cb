package dev.airlock.vmm.testing;

import dev.airlock.vmm.memory.GuestMemory;
import dev.airlock.vmm.virtio.transport.MmioTransport;
import java.util.ArrayList;
import java.util.List;

/**
 * A guest driver's view of a virtio-mmio register window: 32-bit register reads and writes and
 * the initialisation sequence of virtio 1.2 section 3.1.1 as Linux performs it.
 */
public final class MmioDriver {

    public static final int STATUS_ACKNOWLEDGE = 1;
    public static final int STATUS_DRIVER = 2;
    public static final int STATUS_DRIVER_OK = 4;
    public static final int STATUS_FEATURES_OK = 8;
    public static final int STATUS_NEEDS_RESET = 64;

    public final MmioTransport transport;
    public final GuestMemory memory;

    public MmioDriver(MmioTransport transport, GuestMemory memory) {
        this.transport = transport;
        this.memory = memory;
    }

    public int read(int offset) {
        byte[] b = new byte[4];
        transport.read(offset, b);
        return (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | (b[3] & 0xff) << 24;
    }

    public void write(int offset, int v) {
        transport.write(offset, new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)});
    }

    public long deviceFeatures() {
        write(0x14, 0);
        long low = Integer.toUnsignedLong(read(0x10));
        write(0x14, 1);
        return low | (long) read(0x10) << 32;
    }

    public void writeDriverFeatures(long features) {
        write(0x24, 0);
        write(0x20, (int) features);
        write(0x24, 1);
        write(0x20, (int) (features >>> 32));
    }

    /**
     * Resets, negotiates {@code features} (intersected with the offer), sets up every queue with
     * {@code queueSize} entries at {@code base + i * 0x10000}, and sets DRIVER_OK.
     */
    public List<DriverQueue> initialise(long features, int queueSize, int queues, long base) {
        write(0x70, 0);
        write(0x70, STATUS_ACKNOWLEDGE);
        write(0x70, STATUS_ACKNOWLEDGE | STATUS_DRIVER);
        writeDriverFeatures(features & deviceFeatures());
        write(0x70, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK);
        if ((read(0x70) & STATUS_FEATURES_OK) == 0) {
            throw new AssertionError("device refused features 0x" + Long.toHexString(features));
        }
        List<DriverQueue> out = new ArrayList<>();
        for (int i = 0; i < queues; i++) {
            DriverQueue q = new DriverQueue(memory, base + i * 0x10000L, queueSize);
            write(0x30, i);
            write(0x38, queueSize);
            write(0x80, (int) q.desc);
            write(0x84, (int) (q.desc >>> 32));
            write(0x90, (int) q.avail);
            write(0x94, (int) (q.avail >>> 32));
            write(0xa0, (int) q.used);
            write(0xa4, (int) (q.used >>> 32));
            write(0x44, 1);
            out.add(q);
        }
        write(0x70, STATUS_ACKNOWLEDGE | STATUS_DRIVER | STATUS_FEATURES_OK | STATUS_DRIVER_OK);
        return out;
    }

    public void notifyQueue(int index) {
        write(0x50, index);
    }

    public int status() {
        return read(0x70);
    }

    /** Reads and acknowledges the interrupt status. */
    public int takeInterrupts() {
        int s = read(0x60);
        write(0x64, s);
        return s;
    }
}
