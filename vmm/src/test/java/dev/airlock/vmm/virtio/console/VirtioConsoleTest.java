package dev.airlock.vmm.virtio.console;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.airlock.vmm.memory.GuestMemory;
import dev.airlock.vmm.testing.CountingLine;
import dev.airlock.vmm.testing.DriverQueue;
import dev.airlock.vmm.testing.DriverQueue.Buf;
import dev.airlock.vmm.testing.MmioDriver;
import dev.airlock.vmm.testing.TestMemory;
import dev.airlock.vmm.virtio.VirtioFeatures;
import dev.airlock.vmm.virtio.transport.MmioTransport;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class VirtioConsoleTest {

    static final class Stream implements ConsoleStream {
        final ByteArrayOutputStream fromGuest = new ByteArrayOutputStream();
        Consumer<byte[]> toGuest;

        @Override
        public void fromGuest(byte[] bytes) {
            fromGuest.writeBytes(bytes);
        }

        @Override
        public void connect(Consumer<byte[]> toGuest) {
            this.toGuest = toGuest;
        }
    }

    private final GuestMemory memory = TestMemory.of(1 << 20);
    private final Stream stream = new Stream();
    private final VirtioConsole console = new VirtioConsole(stream);
    private final MmioDriver driver = new MmioDriver(new MmioTransport(console, memory, new CountingLine()), memory);
    private final List<DriverQueue> queues = driver.initialise(VirtioFeatures.VERSION_1, 16, 2, 0x10000);

    @Test
    void guestOutputReachesTheStream() {
        DriverQueue tx = queues.get(VirtioConsole.TX_QUEUE);
        memory.write(0x80000, "exec ls\n".getBytes());
        tx.publish(tx.chain(List.of(Buf.out(0x80000, 5), Buf.out(0x80005, 3))));
        driver.notifyQueue(VirtioConsole.TX_QUEUE);
        assertEquals("exec ls\n", stream.fromGuest.toString());
        assertEquals(0, tx.takeUsed().length());
    }

    @Test
    void hostBytesAreSplitAcrossReceiveBuffersInOrder() {
        DriverQueue rx = queues.get(VirtioConsole.RX_QUEUE);
        stream.toGuest.accept("hello, ".getBytes());
        stream.toGuest.accept("guest".getBytes());
        rx.publish(rx.chain(List.of(Buf.in(0x90000, 4))));
        rx.publish(rx.chain(List.of(Buf.in(0x91000, 100))));
        driver.notifyQueue(VirtioConsole.RX_QUEUE);
        DriverQueue.Used first = rx.takeUsed();
        DriverQueue.Used second = rx.takeUsed();
        assertEquals(4, first.length());
        assertEquals(8, second.length());
        assertEquals("hello, guest", new String(memory.read(0x90000, 4)) + new String(memory.read(0x91000, 8)));
        assertEquals(12, console.counters().get("rx_bytes"));
    }

    @Test
    void overflowAndWrongDirectionsAreCounted() {
        stream.toGuest.accept(new byte[VirtioConsole.INPUT_CAPACITY]);
        stream.toGuest.accept(new byte[10]);
        assertEquals(10, console.counters().get("rx_dropped_bytes"));
        DriverQueue tx = queues.get(VirtioConsole.TX_QUEUE);
        tx.publish(tx.chain(List.of(Buf.in(0x80000, 8))));
        driver.notifyQueue(VirtioConsole.TX_QUEUE);
        assertEquals(1, console.counters().get("tx_malformed"));
        assertEquals(1, tx.usedIdx());
    }
}
