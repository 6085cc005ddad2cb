package dev.airlock.vmm.virtio.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.airlock.netstack.NetStack;
import dev.airlock.netstack.StackConfig;
import dev.airlock.netstack.flow.FlowVerdict;
import dev.airlock.vmm.memory.GuestMemory;
import dev.airlock.vmm.testing.CountingLine;
import dev.airlock.vmm.testing.DriverQueue;
import dev.airlock.vmm.testing.DriverQueue.Buf;
import dev.airlock.vmm.testing.MmioDriver;
import dev.airlock.vmm.testing.TestMemory;
import dev.airlock.vmm.virtio.VirtioFeatures;
import dev.airlock.vmm.virtio.transport.MmioTransport;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The virtio-net device wired to a real netstack through {@link NetstackPort}: the test-side
 * driver transmits an ARP request and an ICMP echo request through the device's transmit
 * queue, and the stack's answers must arrive in the driver's receive buffers in guest memory.
 */
class NetstackPortTest {

    static final byte[] GUEST_MAC = {0x02, 0, 0, 0, 0, 0x02};
    static final byte[] GATEWAY_MAC = {0x02, (byte) 0xa1, 0x0c, 0, 0, 0x01};
    static final byte[] GUEST_IP = {(byte) 198, 18, 0, 2};
    static final byte[] GATEWAY_IP = {(byte) 198, 18, 0, 1};
    private static final long RX_BUFFERS = 0x80000;
    private static final long TX_BUFFERS = 0xc0000;

    private final GuestMemory memory = TestMemory.of(1 << 20);
    private final NetstackPort port = new NetstackPort();
    private final VirtioNet net = new VirtioNet(GUEST_MAC, port);
    private final MmioTransport transport = new MmioTransport(net, memory, new CountingLine());
    private final MmioDriver driver = new MmioDriver(transport, memory);
    private final NetStack stack = NetStack.start(StackConfig.defaults(), port,
            id -> CompletableFuture.completedFuture(FlowVerdict.reset()));

    @AfterEach
    void close() {
        stack.close();
    }

    @Test
    void theStackAnswersArpAndPingThroughGuestMemory() throws Exception {
        List<DriverQueue> q = driver.initialise(VirtioFeatures.VERSION_1 | VirtioNet.F_MAC, 16, 2, 0x10000);
        DriverQueue rx = q.get(VirtioNet.RX_QUEUE);
        DriverQueue tx = q.get(VirtioNet.TX_QUEUE);
        for (int i = 0; i < 4; i++) {
            rx.publish(rx.chain(List.of(Buf.in(RX_BUFFERS + i * 0x1000L, 0x1000))));
        }
        driver.notifyQueue(VirtioNet.RX_QUEUE);

        transmit(tx, 0, arpRequest());
        byte[] arp = receive(rx);
        assertEquals(0x0806, u16(arp, 12), "an ARP frame came back");
        assertEquals(2, u16(arp, 20), "ARP reply");
        assertArrayEquals(GATEWAY_MAC, Arrays.copyOfRange(arp, 22, 28), "the gateway's MAC");
        assertArrayEquals(GATEWAY_IP, Arrays.copyOfRange(arp, 28, 32));
        assertArrayEquals(GUEST_MAC, Arrays.copyOfRange(arp, 0, 6), "addressed to the guest");

        transmit(tx, 1, echoRequest("airlock ping"));
        byte[] reply = receive(rx);
        assertEquals(0x0800, u16(reply, 12));
        assertEquals(1, reply[23], "ICMP");
        assertArrayEquals(GATEWAY_IP, Arrays.copyOfRange(reply, 26, 30), "from the gateway");
        assertEquals(0, reply[34], "echo reply");
        assertEquals("airlock ping", new String(reply, 42, 12));
        assertEquals(2, net.counters().get("tx_frames"));
        assertEquals(2, net.counters().get("rx_frames"));
        assertEquals(0, port.droppedToGuest() + port.droppedToStack());
    }

    private void transmit(DriverQueue tx, int slot, byte[] frame) {
        long at = TX_BUFFERS + slot * 0x1000L;
        memory.write(at, new byte[VirtioNet.HEADER_SIZE]);
        memory.write(at + VirtioNet.HEADER_SIZE, frame);
        tx.publish(tx.chain(List.of(Buf.out(at, VirtioNet.HEADER_SIZE + frame.length))));
        driver.notifyQueue(VirtioNet.TX_QUEUE);
    }

    /** Waits (the stack answers on its own thread) for the next receive buffer the device filled. */
    private byte[] receive(DriverQueue rx) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        DriverQueue.Used used;
        while ((used = rx.takeUsed()) == null && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertNotNull(used, "the stack answered within 5 s");
        return memory.read(RX_BUFFERS + used.id() * 0x1000L + VirtioNet.HEADER_SIZE, used.length() - VirtioNet.HEADER_SIZE);
    }

    static byte[] arpRequest() {
        ByteBuffer b = ByteBuffer.allocate(60);
        b.put(new byte[] {-1, -1, -1, -1, -1, -1}).put(GUEST_MAC).putShort((short) 0x0806);
        b.putShort((short) 1).putShort((short) 0x0800).put((byte) 6).put((byte) 4).putShort((short) 1);
        b.put(GUEST_MAC).put(GUEST_IP).put(new byte[6]).put(GATEWAY_IP);
        return b.array();
    }

    static byte[] echoRequest(String payload) {
        byte[] data = payload.getBytes();
        ByteBuffer b = ByteBuffer.allocate(14 + 20 + 8 + data.length);
        b.put(GATEWAY_MAC).put(GUEST_MAC).putShort((short) 0x0800);
        int ip = b.position();
        b.put((byte) 0x45).put((byte) 0).putShort((short) (20 + 8 + data.length)).putShort((short) 7).putShort((short) 0)
                .put((byte) 64).put((byte) 1).putShort((short) 0).put(GUEST_IP).put(GATEWAY_IP);
        b.putShort(ip + 10, (short) checksum(b.array(), ip, 20));
        int icmp = b.position();
        b.put((byte) 8).put((byte) 0).putShort((short) 0).putShort((short) 0x1234).putShort((short) 1).put(data);
        b.putShort(icmp + 2, (short) checksum(b.array(), icmp, 8 + data.length));
        return b.array();
    }

    static int checksum(byte[] b, int off, int len) {
        long sum = 0;
        for (int i = 0; i < len; i += 2) {
            sum += ((b[off + i] & 0xff) << 8) | (i + 1 < len ? b[off + i + 1] & 0xff : 0);
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xffff) + (sum >> 16);
        }
        return (int) (~sum & 0xffff);
    }

    static int u16(byte[] b, int off) {
        return (b[off] & 0xff) << 8 | (b[off + 1] & 0xff);
    }
}
