package dev.airlock.vmm.virtio.blk;

import dev.airlock.vmm.metrics.Counters;
import dev.airlock.vmm.virtio.DescriptorChain;
import dev.airlock.vmm.virtio.DeviceState;
import dev.airlock.vmm.virtio.VirtioDeviceBase;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * virtio-blk (device ID 2, virtio 1.2 section 5.2): one request queue over a
 * {@link BlockBackend}. A request is a 16-byte device-readable header (type, reserved, sector),
 * data buffers, and a final device-writable status byte.
 *
 * <p>A malformed request (no room for header or status, data not a whole number of sectors,
 * data in the wrong direction for its type) is answered with VIRTIO_BLK_S_IOERR when a status
 * byte can be written, returned as used, and counted; a request past the end of the disk or a
 * backend failure gets IOERR; an unknown type gets UNSUPP.
 */
public final class VirtioBlk extends VirtioDeviceBase {

    public static final int DEVICE_TYPE = 2;
    public static final int QUEUE_SIZE = 256;
    public static final int SECTOR_SIZE = 512;
    /** VIRTIO_BLK_F_SEG_MAX, _RO, _BLK_SIZE, _FLUSH. */
    public static final long F_SEG_MAX = 1L << 2;
    public static final long F_RO = 1L << 5;
    public static final long F_BLK_SIZE = 1L << 6;
    public static final long F_FLUSH = 1L << 9;

    static final int T_IN = 0;
    static final int T_OUT = 1;
    static final int T_FLUSH = 4;
    static final int T_GET_ID = 8;
    static final int S_OK = 0;
    static final int S_IOERR = 1;
    static final int S_UNSUPP = 2;
    static final int HEADER_SIZE = 16;
    static final int ID_SIZE = 20;
    /** Data is moved between guest and backend in pieces of this size. */
    private static final int COPY_CHUNK = 64 * 1024;

    /** Named counters. */
    public enum Counter {
        READS, WRITES, FLUSHES, GET_IDS, READ_BYTES, WRITE_BYTES,
        MALFORMED_REQUESTS, OUT_OF_RANGE_REQUESTS, WRITES_TO_READ_ONLY, UNSUPPORTED_REQUESTS, IO_ERRORS
    }

    private final Counters<Counter> counters = new Counters<>(Counter.class);
    private final BlockBackend backend;
    private final String serial;
    private final byte[] config;

    public VirtioBlk(BlockBackend backend, String serial) {
        super(DEVICE_TYPE, 1, QUEUE_SIZE);
        this.backend = backend;
        this.serial = serial;
        ByteBuffer c = ByteBuffer.allocate(36).order(ByteOrder.LITTLE_ENDIAN);
        c.putLong(0, backend.sizeBytes() / SECTOR_SIZE); // capacity in 512-byte sectors
        c.putInt(12, QUEUE_SIZE - 2);                    // seg_max: header and status take two
        c.putInt(20, SECTOR_SIZE);                       // blk_size
        this.config = c.array();
    }

    @Override
    public long offeredFeatures() {
        long f = COMMON_FEATURES | F_SEG_MAX | F_BLK_SIZE | F_FLUSH;
        return backend.readOnly() ? f | F_RO : f;
    }

    @Override
    public void readConfig(long offset, byte[] data) {
        readConfigBytes(config, offset, data);
    }

    @Override
    public void writeConfig(long offset, byte[] data) {
        // writeback/toggles need features not offered: nothing is writable.
    }

    @Override
    protected void onNotify(DeviceState.Active active, int queue) {
        serveQueue(active, 0, chain -> handle(active, chain));
    }

    /** Serves one request; returns the number of bytes written to the guest (data plus status). */
    private int handle(DeviceState.Active active, DescriptorChain chain) {
        long writable = chain.writableLength();
        if (chain.readableLength() < HEADER_SIZE || writable < 1) {
            counters.increment(Counter.MALFORMED_REQUESTS);
            return 0; // nowhere to put a status: return the chain untouched
        }
        byte[] header = new byte[HEADER_SIZE];
        chain.readFrom(active.memory(), 0, header, 0, HEADER_SIZE);
        ByteBuffer h = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        int type = h.getInt(0);
        long sector = h.getLong(8);
        long inData = writable - 1;                       // device-writable bytes before the status
        long outData = chain.readableLength() - HEADER_SIZE; // device-readable bytes after the header
        int status;
        int dataWritten = 0;
        switch (type) {
            case T_IN -> {
                counters.increment(Counter.READS);
                status = checkData(sector, inData, outData);
                if (status == S_OK) {
                    status = transfer(active, chain, sector * SECTOR_SIZE, inData, true);
                    dataWritten = status == S_OK ? (int) inData : 0;
                }
            }
            case T_OUT -> {
                counters.increment(Counter.WRITES);
                status = checkData(sector, outData, inData);
                if (status == S_OK && backend.readOnly()) {
                    counters.increment(Counter.WRITES_TO_READ_ONLY);
                    status = S_IOERR;
                }
                if (status == S_OK) {
                    status = transfer(active, chain, sector * SECTOR_SIZE, outData, false);
                }
            }
            case T_FLUSH -> {
                counters.increment(Counter.FLUSHES);
                status = S_OK;
                try {
                    backend.flush();
                } catch (IOException e) {
                    counters.increment(Counter.IO_ERRORS);
                    status = S_IOERR;
                }
            }
            case T_GET_ID -> {
                counters.increment(Counter.GET_IDS);
                byte[] id = new byte[ID_SIZE];
                byte[] s = serial.getBytes(StandardCharsets.US_ASCII);
                System.arraycopy(s, 0, id, 0, Math.min(s.length, ID_SIZE));
                dataWritten = chain.writeTo(active.memory(), 0, id, 0, (int) Math.min(ID_SIZE, inData));
                status = S_OK;
            }
            default -> {
                counters.increment(Counter.UNSUPPORTED_REQUESTS);
                status = S_UNSUPP;
            }
        }
        chain.writeTo(active.memory(), writable - 1, new byte[] {(byte) status}, 0, 1);
        return dataWritten + 1;
    }

    /** Checks a transfer of {@code length} data bytes at {@code sector}, with {@code wrongWay} bytes in the other direction. */
    private int checkData(long sector, long length, long wrongWay) {
        if (wrongWay != 0 || length % SECTOR_SIZE != 0) {
            counters.increment(Counter.MALFORMED_REQUESTS);
            return S_IOERR;
        }
        long sectors = backend.sizeBytes() / SECTOR_SIZE;
        if (sector < 0 || sector > sectors || length / SECTOR_SIZE > sectors - sector) {
            counters.increment(Counter.OUT_OF_RANGE_REQUESTS);
            return S_IOERR;
        }
        return S_OK;
    }

    private int transfer(DeviceState.Active active, DescriptorChain chain, long diskOffset, long length, boolean toGuest) {
        byte[] buf = new byte[(int) Math.min(COPY_CHUNK, Math.max(length, 1))];
        try {
            for (long done = 0; done < length; ) {
                int n = (int) Math.min(buf.length, length - done);
                if (toGuest) {
                    backend.read(diskOffset + done, buf, 0, n);
                    chain.writeTo(active.memory(), done, buf, 0, n);
                    counters.add(Counter.READ_BYTES, n);
                } else {
                    chain.readFrom(active.memory(), HEADER_SIZE + done, buf, 0, n);
                    backend.write(diskOffset + done, buf, 0, n);
                    counters.add(Counter.WRITE_BYTES, n);
                }
                done += n;
            }
            return S_OK;
        } catch (IOException e) {
            counters.increment(Counter.IO_ERRORS);
            return S_IOERR;
        }
    }

    @Override
    protected Map<String, Long> deviceCounters() {
        return counters.snapshot();
    }
}
