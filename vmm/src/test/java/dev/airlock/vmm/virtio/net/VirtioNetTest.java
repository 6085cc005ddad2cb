package dev.airlock.vmm.virtio.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.airlock.vmm.memory.GuestMemory;
import dev.airlock.vmm.testing.CountingLine;
import dev.airlock.vmm.testing.DriverQueue;
import dev.airlock.vmm.testing.DriverQueue.Buf;
import dev.airlock.vmm.testing.MmioDriver;
import dev.airlock.vmm.testing.TestMemory;
import dev.airlock.vmm.virtio.DeviceState;
import dev.airlock.vmm.virtio.VirtioFeatures;
import dev.airlock.vmm.virtio.transport.MmioTransport;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VirtioNetTest {

    /** The far end of the link: records what the guest sent, injects frames toward it. */
    static final class Peer implements FramePort {
        final List<byte[]> sent = new ArrayList<>();
        FrameSink guest;

        @Override
        public void send(ByteBuffer frame) {
            byte[] b = new byte[frame.remaining()];
            frame.get(b);
            sent.add(b);
        }

        @Override
        public void connect(FrameSink guest) {
            this.guest = guest;
        }
    }

    private static final byte[] MAC = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
    private static final long ALL = VirtioFeatures.VERSION_1 | VirtioFeatures.EVENT_IDX
            | VirtioFeatures.INDIRECT_DESC | VirtioNet.F_MAC;

    private final GuestMemory memory = TestMemory.of(1 << 20);
    private final Peer peer = new Peer();
    private final VirtioNet net = new VirtioNet(MAC, peer);
    private final MmioTransport transport = new MmioTransport(net, memory, new CountingLine());
    private final MmioDriver driver = new MmioDriver(transport, memory);

    private static byte[] frame(int length, int seed) {
        byte[] f = new byte[length];
        for (int i = 0; i < length; i++) {
            f[i] = (byte) (seed + i * 7);
        }
        return f;
    }

    @Test
    void configSpaceHoldsTheMac() {
        byte[] got = new byte[6];
        for (int i = 0; i < 6; i++) {
            byte[] one = new byte[1];
            transport.read(0x100 + i, one);
            got[i] = one[0];
        }
        assertArrayEquals(MAC, got);
    }

    @Test
    void transmittedFramesReachThePortWithoutTheHeader() {
        List<DriverQueue> q = driver.initialise(ALL, 16, 2, 0x10000);
        DriverQueue tx = q.get(VirtioNet.TX_QUEUE);
        byte[] f = frame(60, 3);
        memory.write(0x80000, new byte[VirtioNet.HEADER_SIZE]);
        memory.write(0x81000, f);
        tx.publish(tx.chain(List.of(Buf.out(0x80000, VirtioNet.HEADER_SIZE), Buf.out(0x81000, 60))));
        byte[] g = frame(1514, 9);
        memory.write(0x82000, new byte[VirtioNet.HEADER_SIZE]);
        memory.write(0x82000 + VirtioNet.HEADER_SIZE, g);
        tx.publish(tx.indirectChain(List.of(Buf.out(0x82000, VirtioNet.HEADER_SIZE + 1514))));
        driver.notifyQueue(VirtioNet.TX_QUEUE);

        assertEquals(2, peer.sent.size());
        assertArrayEquals(f, peer.sent.get(0));
        assertArrayEquals(g, peer.sent.get(1));
        assertEquals(2, net.counters().get("tx_frames"));
        assertEquals(0, tx.takeUsed().length());
        assertEquals(0, tx.takeUsed().length());
    }

    @Test
    void malformedTransmitChainsAreCountedAndReturned() {
        List<DriverQueue> q = driver.initialise(ALL, 16, 2, 0x10000);
        DriverQueue tx = q.get(VirtioNet.TX_QUEUE);
        tx.publish(tx.chain(List.of(Buf.out(0x80000, VirtioNet.HEADER_SIZE + 5)))); // shorter than Ethernet
        tx.publish(tx.chain(List.of(Buf.out(0x80000, 64), Buf.in(0x81000, 64))));  // device-writable on TX
        driver.notifyQueue(VirtioNet.TX_QUEUE);
        assertEquals(0, peer.sent.size());
        assertEquals(2, net.counters().get("tx_malformed_frames"));
        assertEquals(2, tx.usedIdx(), "both chains returned to the driver");
        assertInstanceOf(DeviceState.Active.class, net.state(), "a bad frame fails the frame, not the device");
    }

    @Test
    void receivedFramesWaitForBuffersThenArriveWithAHeader() {
        List<DriverQueue> q = driver.initialise(ALL, 16, 2, 0x10000);
        DriverQueue rx = q.get(VirtioNet.RX_QUEUE);
        byte[] f = frame(100, 5);
        peer.guest.accept(ByteBuffer.wrap(f));
        assertEquals(1, net.backlogSize(), "no receive buffer posted yet");

        rx.publish(rx.chain(List.of(Buf.in(0x90000, 1526))));
        driver.notifyQueue(VirtioNet.RX_QUEUE);
        DriverQueue.Used u = rx.takeUsed();
        assertEquals(VirtioNet.HEADER_SIZE + 100, u.length());
        byte[] header = memory.read(0x90000, VirtioNet.HEADER_SIZE);
        byte[] expectedHeader = new byte[VirtioNet.HEADER_SIZE];
        expectedHeader[10] = 1;
        assertArrayEquals(expectedHeader, header, "no offloads; num_buffers = 1");
        assertArrayEquals(f, memory.read(0x90000 + VirtioNet.HEADER_SIZE, 100));
        assertEquals(0, net.backlogSize());

        // With a buffer already posted a frame goes straight in, split across two buffers.
        rx.publish(rx.chain(List.of(Buf.in(0xa0000, 20), Buf.in(0xa1000, 200))));
        driver.notifyQueue(VirtioNet.RX_QUEUE);
        byte[] g = frame(150, 1);
        peer.guest.accept(ByteBuffer.wrap(g));
        assertEquals(VirtioNet.HEADER_SIZE + 150, rx.takeUsed().length());
        byte[] got = new byte[150];
        System.arraycopy(memory.read(0xa0000 + VirtioNet.HEADER_SIZE, 8), 0, got, 0, 8);
        System.arraycopy(memory.read(0xa1000, 142), 0, got, 8, 142);
        assertArrayEquals(g, got);
        assertEquals(2, net.counters().get("rx_frames"));
    }

    @Test
    void receiveDropsAreCounted() {
        peer.guest.accept(ByteBuffer.wrap(frame(60, 0)));
        assertEquals(1, net.counters().get("rx_dropped_inactive"));

        List<DriverQueue> q = driver.initialise(ALL, 16, 2, 0x10000);
        DriverQueue rx = q.get(VirtioNet.RX_QUEUE);
        peer.guest.accept(ByteBuffer.wrap(frame(10, 0)));
        assertEquals(1, net.counters().get("rx_dropped_bad_size"));

        rx.publish(rx.chain(List.of(Buf.in(0x90000, 64))));
        driver.notifyQueue(VirtioNet.RX_QUEUE);
        peer.guest.accept(ByteBuffer.wrap(frame(100, 0)));
        assertEquals(1, net.counters().get("rx_dropped_buffer_too_small"));
        assertEquals(0, rx.takeUsed().length());

        for (int i = 0; i < VirtioNet.RX_BACKLOG + 3; i++) {
            peer.guest.accept(ByteBuffer.wrap(frame(60, i)));
        }
        assertEquals(VirtioNet.RX_BACKLOG, net.backlogSize());
        assertEquals(3, net.counters().get("rx_dropped_backlog_full"));
        assertEquals(0, net.counters().get("rx_frames"), "no buffer was left for the backlog");
    }
}
