package dev.airlock.vmm.virtio.blk;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.vmm.memory.GuestMemory;
import dev.airlock.vmm.testing.CountingLine;
import dev.airlock.vmm.testing.DriverQueue;
import dev.airlock.vmm.testing.DriverQueue.Buf;
import dev.airlock.vmm.testing.MmioDriver;
import dev.airlock.vmm.testing.TestMemory;
import dev.airlock.vmm.virtio.VirtioFeatures;
import dev.airlock.vmm.virtio.transport.MmioTransport;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VirtioBlkTest {

    private static final long ALL = VirtioFeatures.VERSION_1 | VirtioFeatures.EVENT_IDX | VirtioFeatures.INDIRECT_DESC
            | VirtioBlk.F_RO | VirtioBlk.F_FLUSH | VirtioBlk.F_BLK_SIZE | VirtioBlk.F_SEG_MAX;
    private static final long HDR = 0x80000;
    private static final long DATA = 0x90000;
    private static final long STATUS = 0x8f000;
    private static final int SECTORS = 64;

    @TempDir
    Path dir;

    private final GuestMemory memory = TestMemory.of(2 << 20);

    private Path image() throws Exception {
        return image(SECTORS);
    }

    private Path image(int sectors) throws Exception {
        byte[] disk = new byte[sectors * 512];
        for (int i = 0; i < disk.length; i++) {
            disk[i] = (byte) (i / 512 + i);
        }
        Path p = dir.resolve("disk-" + sectors + ".img");
        Files.write(p, disk);
        return p;
    }

    private record Setup(VirtioBlk blk, MmioDriver driver, DriverQueue queue) {}

    private Setup setup(BlockBackend backend) {
        VirtioBlk blk = new VirtioBlk(backend, "airlock-disk-0");
        MmioDriver driver = new MmioDriver(new MmioTransport(blk, memory, new CountingLine()), memory);
        DriverQueue q = driver.initialise(ALL, 16, 1, 0x10000).get(0);
        return new Setup(blk, driver, q);
    }

    private void header(int type, long sector) {
        ByteBuffer h = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        h.putInt(0, type).putLong(8, sector);
        memory.write(HDR, h.array());
    }

    /** Submits one request and returns (used length, status byte). */
    private int[] submit(Setup s, List<Buf> bufs) {
        s.queue.publish(s.queue.chain(bufs));
        s.driver.notifyQueue(0);
        DriverQueue.Used u = s.queue.takeUsed();
        return new int[] {u.length(), memory.readU8(STATUS)};
    }

    @Test
    void readsSectorsFromARawImage() throws Exception {
        Path img = image();
        Setup s = setup(RawImage.openReadOnly(img));
        byte[] cap = new byte[8];
        s.driver.transport.read(0x100, cap);
        assertEquals(SECTORS, ByteBuffer.wrap(cap).order(ByteOrder.LITTLE_ENDIAN).getLong(), "capacity in sectors");
        assertTrue((s.driver.deviceFeatures() & VirtioBlk.F_RO) != 0, "read-only image is offered as RO");

        header(VirtioBlk.T_IN, 3);
        memory.writeU8(STATUS, 0xff);
        int[] r = submit(s, List.of(Buf.out(HDR, 16), Buf.in(DATA, 1024), Buf.in(STATUS, 1)));
        assertEquals(1025, r[0]);
        assertEquals(VirtioBlk.S_OK, r[1]);
        byte[] expected = new byte[1024];
        System.arraycopy(Files.readAllBytes(img), 3 * 512, expected, 0, 1024);
        assertArrayEquals(expected, memory.read(DATA, 1024));
    }

    @Test
    void writesLandInTheOverlayAndNeverInTheBase() throws Exception {
        Path img = image();
        byte[] before = Files.readAllBytes(img);
        CopyOnWriteDisk cow = new CopyOnWriteDisk(RawImage.openReadOnly(img), 1 << 20);
        Setup s = setup(cow);
        byte[] data = new byte[512];
        java.util.Arrays.fill(data, (byte) 0x77);
        memory.write(DATA, data);
        header(VirtioBlk.T_OUT, 5);
        assertEquals(VirtioBlk.S_OK, submit(s, List.of(Buf.out(HDR, 16), Buf.out(DATA, 512), Buf.in(STATUS, 1)))[1]);

        header(VirtioBlk.T_IN, 4);
        int[] r = submit(s, List.of(Buf.out(HDR, 16), Buf.in(DATA + 0x1000, 1536), Buf.in(STATUS, 1)));
        assertEquals(VirtioBlk.S_OK, r[1]);
        byte[] got = memory.read(DATA + 0x1000, 1536);
        for (int i = 0; i < 512; i++) {
            assertEquals(before[4 * 512 + i], got[i], "sector 4 from the base");
            assertEquals(0x77, got[512 + i], "sector 5 from the overlay");
            assertEquals(before[6 * 512 + i], got[1024 + i], "sector 6 from the base");
        }
        assertArrayEquals(before, Files.readAllBytes(img), "base image untouched");
        assertEquals(CopyOnWriteDisk.CHUNK_SIZE, cow.overlayBytes());
    }

    @Test
    void badRequestsGetErrorStatusesAndCounters() throws Exception {
        Setup ro = setup(RawImage.openReadOnly(image()));
        header(VirtioBlk.T_OUT, 0);
        assertEquals(VirtioBlk.S_IOERR, submit(ro, List.of(Buf.out(HDR, 16), Buf.out(DATA, 512), Buf.in(STATUS, 1)))[1]);
        assertEquals(1, ro.blk.counters().get("writes_to_read_only"));

        header(VirtioBlk.T_IN, SECTORS - 1);
        assertEquals(VirtioBlk.S_IOERR, submit(ro, List.of(Buf.out(HDR, 16), Buf.in(DATA, 1024), Buf.in(STATUS, 1)))[1]);
        header(VirtioBlk.T_IN, Long.MAX_VALUE / 256);
        assertEquals(VirtioBlk.S_IOERR, submit(ro, List.of(Buf.out(HDR, 16), Buf.in(DATA, 512), Buf.in(STATUS, 1)))[1]);
        assertEquals(2, ro.blk.counters().get("out_of_range_requests"));

        header(VirtioBlk.T_IN, 0);
        assertEquals(VirtioBlk.S_IOERR, submit(ro, List.of(Buf.out(HDR, 16), Buf.in(DATA, 100), Buf.in(STATUS, 1)))[1]);
        header(99, 0);
        assertEquals(VirtioBlk.S_UNSUPP, submit(ro, List.of(Buf.out(HDR, 16), Buf.in(STATUS, 1)))[1]);
        assertEquals(1, ro.blk.counters().get("unsupported_requests"));

        memory.writeU8(STATUS, 0x55);
        int[] r = submit(ro, List.of(Buf.out(HDR, 8))); // too short for a header, no status byte
        assertEquals(0, r[0]);
        assertEquals(0x55, r[1], "status untouched: there was nowhere to put one");
        assertEquals(2, ro.blk.counters().get("malformed_requests"));
    }

    @Test
    void getIdReturnsTheSerial() throws Exception {
        Setup s = setup(RawImage.openReadOnly(image()));
        header(VirtioBlk.T_GET_ID, 0);
        int[] r = submit(s, List.of(Buf.out(HDR, 16), Buf.in(DATA, 20), Buf.in(STATUS, 1)));
        assertEquals(VirtioBlk.S_OK, r[1]);
        assertEquals("airlock-disk-0", new String(memory.read(DATA, 14)));
    }

    @Test
    void aFullOverlayFailsWritesNotTheHost() throws Exception {
        CopyOnWriteDisk cow = new CopyOnWriteDisk(RawImage.openReadOnly(image()), 2 * CopyOnWriteDisk.CHUNK_SIZE);
        Setup s = setup(cow);
        List<Integer> statuses = new ArrayList<>();
        for (int chunk = 0; chunk < 3; chunk++) {
            header(VirtioBlk.T_OUT, chunk * 8L);
            statuses.add(submit(s, List.of(Buf.out(HDR, 16), Buf.out(DATA, 512), Buf.in(STATUS, 1)))[1]);
        }
        assertEquals(List.of(VirtioBlk.S_OK, VirtioBlk.S_OK, VirtioBlk.S_IOERR), statuses);
        assertEquals(1, s.blk.counters().get("io_errors"));
        assertEquals(2L * CopyOnWriteDisk.CHUNK_SIZE, cow.overlayBytes());
    }

    /** Writes {@code length} bytes of {@code value} at {@code sector} through the device; returns the status. */
    private int write(Setup s, long sector, int length, int value) {
        byte[] data = new byte[length];
        java.util.Arrays.fill(data, (byte) value);
        memory.write(DATA, data);
        header(VirtioBlk.T_OUT, sector);
        return submit(s, List.of(Buf.out(HDR, 16), Buf.out(DATA, length), Buf.in(STATUS, 1)))[1];
    }

    /** Reads {@code length} bytes at {@code sector} through the device. */
    private byte[] read(Setup s, long sector, int length) {
        header(VirtioBlk.T_IN, sector);
        assertEquals(VirtioBlk.S_OK, submit(s, List.of(Buf.out(HDR, 16), Buf.in(DATA, length), Buf.in(STATUS, 1)))[1]);
        return memory.read(DATA, length);
    }

    @Test
    void writesAcrossOverlayChunksReadBackWhileTheBaseStaysAsItWas() throws Exception {
        Path img = image();
        byte[] base = Files.readAllBytes(img);
        CopyOnWriteDisk cow = new CopyOnWriteDisk(RawImage.openReadOnly(img), 1 << 20);
        Setup s = setup(cow);
        assertEquals(0, s.driver.deviceFeatures() & VirtioBlk.F_RO, "the overlay makes the disk writable");

        assertEquals(VirtioBlk.S_OK, write(s, 7, 1024, 0x11), "sectors 7 and 8: the end of chunk 0, the start of chunk 1");
        assertEquals(2L * CopyOnWriteDisk.CHUNK_SIZE, cow.overlayBytes());
        assertEquals(VirtioBlk.S_OK, write(s, 8, 512, 0x22), "rewriting a chunk already copied");
        assertEquals(2L * CopyOnWriteDisk.CHUNK_SIZE, cow.overlayBytes(), "no new chunk for it");

        byte[] got = read(s, 6, 2048); // sectors 6..9
        for (int i = 0; i < 512; i++) {
            assertEquals(base[6 * 512 + i], got[i], "sector 6: the base, through the copied chunk 0");
            assertEquals(0x11, got[512 + i], "sector 7: first write");
            assertEquals(0x22, got[1024 + i], "sector 8: second write");
            assertEquals(base[9 * 512 + i], got[1536 + i], "sector 9: the base, through the copied chunk 1");
        }
        assertArrayEquals(base, Files.readAllBytes(img), "the base image file is untouched");
        assertEquals(2, s.blk.counters().get("writes"));
        assertEquals(1024 + 512, s.blk.counters().get("write_bytes"));
    }

    @Test
    void theLastPartialChunkOfADiskIsWritable() throws Exception {
        Path img = image(63); // 31.5 KiB: the last 4 KiB chunk is half past the end
        byte[] base = Files.readAllBytes(img);
        CopyOnWriteDisk cow = new CopyOnWriteDisk(RawImage.openReadOnly(img), 1 << 20);
        Setup s = setup(cow);
        assertEquals(VirtioBlk.S_OK, write(s, 62, 512, 0x33));
        byte[] got = read(s, 56, 7 * 512);
        for (int i = 0; i < 6 * 512; i++) {
            assertEquals(base[56 * 512 + i], got[i]);
        }
        for (int i = 6 * 512; i < 7 * 512; i++) {
            assertEquals(0x33, got[i]);
        }
        header(VirtioBlk.T_OUT, 63);
        assertEquals(VirtioBlk.S_IOERR, submit(s, List.of(Buf.out(HDR, 16), Buf.out(DATA, 512), Buf.in(STATUS, 1)))[1],
                "one sector past the end");
        assertArrayEquals(base, Files.readAllBytes(img));
    }

    @Test
    void requestsOutsideTheDiskFailWithoutTouchingOverlayOrBase() throws Exception {
        Path img = image();
        byte[] base = Files.readAllBytes(img);
        CopyOnWriteDisk cow = new CopyOnWriteDisk(RawImage.openReadOnly(img), 1 << 20);
        Setup s = setup(cow);
        assertEquals(VirtioBlk.S_IOERR, write(s, SECTORS - 1, 1024, 0x44), "starts inside, ends outside");
        assertEquals(VirtioBlk.S_IOERR, write(s, SECTORS, 512, 0x44), "starts at the end");
        assertEquals(VirtioBlk.S_IOERR, write(s, -1L, 512, 0x44), "sector 2^64 - 1");
        assertEquals(VirtioBlk.S_IOERR, write(s, Long.MAX_VALUE / 256, 512, 0x44), "sector * 512 overflows");
        header(VirtioBlk.T_IN, -2L);
        assertEquals(VirtioBlk.S_IOERR, submit(s, List.of(Buf.out(HDR, 16), Buf.in(DATA, 512), Buf.in(STATUS, 1)))[1]);
        assertEquals(5, s.blk.counters().get("out_of_range_requests"));
        assertEquals(0, cow.overlayBytes(), "nothing was copied into the overlay");
        assertEquals(0, s.blk.counters().get("write_bytes"));
        assertArrayEquals(base, Files.readAllBytes(img));
        assertEquals(0, s.driver.status() & MmioDriver.STATUS_NEEDS_RESET, "a bad request fails itself, not the device");
        assertEquals(VirtioBlk.S_OK, write(s, 0, 512, 0x55), "the device still serves good requests");
    }

    @Test
    void malformedRequestsFailOneByOneAndTheDeviceCarriesOn() throws Exception {
        Setup s = setup(new CopyOnWriteDisk(RawImage.openReadOnly(image()), 1 << 20));
        header(VirtioBlk.T_IN, 0);
        assertEquals(VirtioBlk.S_IOERR, submit(s, List.of(Buf.out(HDR, 16), Buf.out(DATA, 512), Buf.in(STATUS, 1)))[1],
                "a read with device-readable data");
        header(VirtioBlk.T_OUT, 0);
        assertEquals(VirtioBlk.S_IOERR,
                submit(s, List.of(Buf.out(HDR, 16), Buf.out(DATA, 512), Buf.in(DATA + 0x1000, 512), Buf.in(STATUS, 1)))[1],
                "a write with device-writable data before the status");
        header(VirtioBlk.T_OUT, 0);
        assertEquals(VirtioBlk.S_IOERR, submit(s, List.of(Buf.out(HDR, 16), Buf.out(DATA, 100), Buf.in(STATUS, 1)))[1],
                "a write of a partial sector");
        memory.writeU8(STATUS, 0x66);
        int[] r = submit(s, List.of(Buf.in(DATA, 512), Buf.in(STATUS, 1)));
        assertEquals(0, r[0], "no header: returned untouched");
        assertEquals(0x66, r[1]);
        assertEquals(4, s.blk.counters().get("malformed_requests"));
        assertEquals(0, s.blk.counters().get("write_bytes"));

        header(VirtioBlk.T_FLUSH, 0);
        assertEquals(VirtioBlk.S_OK, submit(s, List.of(Buf.out(HDR, 16), Buf.in(STATUS, 1)))[1], "flush");
        assertEquals(VirtioBlk.S_OK, write(s, 1, 512, 0x77), "and the device still works");
        assertEquals(0x77, read(s, 1, 512)[0]);
    }

    @Test
    void largeRequestsInChainedAndIndirectBuffersMoveEveryByte() throws Exception {
        int sectors = 1024; // 512 KiB: transfers larger than the device's 64 KiB copy buffer
        Path img = image(sectors);
        byte[] base = Files.readAllBytes(img);
        CopyOnWriteDisk cow = new CopyOnWriteDisk(RawImage.openReadOnly(img), 1 << 20);
        Setup s = setup(cow);
        int length = 160 << 10;
        byte[] data = new byte[length];
        new java.util.Random(4).nextBytes(data);
        memory.write(DATA, data);
        header(VirtioBlk.T_OUT, 100);
        // the data in three descriptors of uneven sizes, then read back through an indirect table
        s.queue.publish(s.queue.chain(List.of(Buf.out(HDR, 16), Buf.out(DATA, 1000), Buf.out(DATA + 1000, 100_000),
                Buf.out(DATA + 101_000, length - 101_000), Buf.in(STATUS, 1))));
        s.driver.notifyQueue(0);
        assertEquals(1, s.queue.takeUsed().length(), "only the status byte was written");
        assertEquals(VirtioBlk.S_OK, memory.readU8(STATUS));

        long back = DATA + length;
        header(VirtioBlk.T_IN, 100);
        s.queue.publish(s.queue.indirectChain(List.of(Buf.out(HDR, 16), Buf.in(back, 70_000), Buf.in(back + 70_000, length - 70_000),
                Buf.in(STATUS, 1))));
        s.driver.notifyQueue(0);
        assertEquals(length + 1, s.queue.takeUsed().length());
        assertEquals(VirtioBlk.S_OK, memory.readU8(STATUS));
        assertArrayEquals(data, memory.read(back, length));
        assertArrayEquals(base, Files.readAllBytes(img));
    }

    @Test
    void aChainThatBreaksTheQueueFailsTheDeviceNotTheHost() throws Exception {
        Path img = image();
        byte[] base = Files.readAllBytes(img);
        Setup s = setup(new CopyOnWriteDisk(RawImage.openReadOnly(img), 1 << 20));
        header(VirtioBlk.T_OUT, 0);
        s.queue.publish(s.queue.chain(List.of(Buf.out(HDR, 16), Buf.out(memory.size() - 256, 512), Buf.in(STATUS, 1))));
        s.driver.notifyQueue(0);
        assertEquals(null, s.queue.takeUsed(), "a chain reaching past guest RAM is not served");
        assertEquals(MmioDriver.STATUS_NEEDS_RESET, s.driver.status() & MmioDriver.STATUS_NEEDS_RESET);
        assertEquals(1, s.blk.counters().get("descriptor_out_of_bounds"));
        assertEquals(0, s.blk.counters().get("writes"));
        assertArrayEquals(base, Files.readAllBytes(img));
    }
}
