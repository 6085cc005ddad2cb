package dev.airlock.vmm.testing;

import dev.airlock.vmm.bus.BusDevice;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/** A bus device that records every access and answers reads with a fixed byte. */
public final class RecordingDevice implements BusDevice {

    public record Access(boolean write, long offset, byte[] data) {}

    public final List<Access> accesses = new ArrayList<>();
    public final ByteArrayOutputStream written = new ByteArrayOutputStream();
    private final byte readValue;

    public RecordingDevice(int readValue) {
        this.readValue = (byte) readValue;
    }

    @Override
    public synchronized void read(long offset, byte[] data) {
        java.util.Arrays.fill(data, readValue);
        accesses.add(new Access(false, offset, data.clone()));
    }

    @Override
    public synchronized void write(long offset, byte[] data) {
        accesses.add(new Access(true, offset, data.clone()));
        written.writeBytes(data);
    }
}
