package dev.airlock.vmm.virtio.rng;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.airlock.vmm.memory.GuestMemory;
import dev.airlock.vmm.testing.CountingLine;
import dev.airlock.vmm.testing.DriverQueue;
import dev.airlock.vmm.testing.DriverQueue.Buf;
import dev.airlock.vmm.testing.MmioDriver;
import dev.airlock.vmm.testing.TestMemory;
import dev.airlock.vmm.virtio.VirtioFeatures;
import dev.airlock.vmm.virtio.transport.MmioTransport;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class VirtioRngTest {

    private final GuestMemory memory = TestMemory.of(1 << 20);
    private final VirtioRng rng = new VirtioRng();
    private final CountingLine irq = new CountingLine();
    private final MmioDriver driver = new MmioDriver(new MmioTransport(rng, memory, irq), memory);

    @Test
    void fillsWritableBuffersAndCountsReadableOnesAsMalformed() {
        DriverQueue q = driver.initialise(VirtioFeatures.VERSION_1 | VirtioFeatures.EVENT_IDX, 16, 1, 0x10000).get(0);
        q.setUsedEvent(0);
        q.publish(q.chain(List.of(Buf.in(0x80000, 64), Buf.in(0x81000, 64))));
        q.publish(q.chain(List.of(Buf.out(0x82000, 8))));
        driver.notifyQueue(0);
        assertEquals(128, q.takeUsed().length());
        assertEquals(0, q.takeUsed().length());
        assertFalse(Arrays.equals(new byte[64], memory.read(0x80000, 64)), "random bytes written");
        assertFalse(Arrays.equals(new byte[64], memory.read(0x81000, 64)), "second buffer filled too");
        assertEquals(1, rng.counters().get("malformed_requests"));
        assertEquals(128, rng.counters().get("bytes"));
        assertEquals(1, irq.edges(), "one interrupt for the batch");
    }
}
