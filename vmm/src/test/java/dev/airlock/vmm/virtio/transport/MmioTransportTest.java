package dev.airlock.vmm.virtio.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.vmm.memory.GuestMemory;
import dev.airlock.vmm.testing.CountingLine;
import dev.airlock.vmm.testing.DriverQueue;
import dev.airlock.vmm.testing.DriverQueue.Buf;
import dev.airlock.vmm.testing.MmioDriver;
import dev.airlock.vmm.testing.TestMemory;
import dev.airlock.vmm.virtio.DeviceState;
import dev.airlock.vmm.virtio.VirtioFeatures;
import dev.airlock.vmm.virtio.rng.VirtioRng;
import java.util.List;
import org.junit.jupiter.api.Test;

/** virtio-mmio version 2 register semantics, driven like a guest driver, with virtio-rng behind. */
class MmioTransportTest {

    private static final long ALL = VirtioFeatures.VERSION_1 | VirtioFeatures.EVENT_IDX | VirtioFeatures.INDIRECT_DESC;

    private final GuestMemory memory = TestMemory.of(1 << 20);
    private final CountingLine irq = new CountingLine();
    private final VirtioRng rng = new VirtioRng();
    private final MmioTransport transport = new MmioTransport(rng, memory, irq);
    private final MmioDriver driver = new MmioDriver(transport, memory);

    @Test
    void identificationRegisters() {
        assertEquals(0x74726976, driver.read(0x000), "magic 'virt'");
        assertEquals(2, driver.read(0x004), "version 2 (modern)");
        assertEquals(4, driver.read(0x008), "device id: entropy");
        assertEquals(ALL, driver.deviceFeatures());
        driver.write(0x30, 0);
        assertEquals(256, driver.read(0x034), "QueueNumMax of queue 0");
        driver.write(0x30, 1);
        assertEquals(0, driver.read(0x034), "queue 1 does not exist");
        assertEquals(-1, driver.read(0x0b0), "no shared memory regions");
    }

    @Test
    void negotiatesFeaturesAndActivatesOnDriverOk() {
        List<DriverQueue> queues = driver.initialise(ALL, 16, 1, 0x10000);
        assertEquals(MmioDriver.STATUS_ACKNOWLEDGE | MmioDriver.STATUS_DRIVER | MmioDriver.STATUS_FEATURES_OK
                | MmioDriver.STATUS_DRIVER_OK, driver.status());
        assertInstanceOf(DeviceState.Active.class, rng.state());
        {
            DriverQueue q = queues.get(0);
            q.publish(q.chain(List.of(Buf.in(0x80000, 32))));
            driver.notifyQueue(0);
            assertEquals(new DriverQueue.Used(0, 32), q.takeUsed());
            assertEquals(1, irq.edges());
            assertEquals(1, driver.takeInterrupts(), "used-buffer interrupt");
            assertEquals(0, driver.read(0x60), "acknowledged");
        }
    }

    @Test
    void refusesFeaturesThatWereNotOfferedOrLackVersion1() {
        driver.write(0x70, 1);
        driver.write(0x70, 3);
        driver.writeDriverFeatures(VirtioFeatures.VERSION_1 | (1L << 40));
        driver.write(0x70, 3 | MmioDriver.STATUS_FEATURES_OK);
        assertEquals(0, driver.status() & MmioDriver.STATUS_FEATURES_OK);

        driver.write(0x70, 0);
        driver.write(0x70, 1);
        driver.write(0x70, 3);
        driver.writeDriverFeatures(VirtioFeatures.EVENT_IDX); // legacy driver: no VERSION_1
        driver.write(0x70, 3 | MmioDriver.STATUS_FEATURES_OK);
        assertEquals(0, driver.status() & MmioDriver.STATUS_FEATURES_OK);
        assertEquals(2, transport.counters().get("refused_features"));
    }

    @Test
    void queueRegistersAreIgnoredBeforeFeaturesOkAndAfterDriverOk() {
        driver.write(0x70, 3);
        driver.write(0x30, 0);
        driver.write(0x38, 8);
        assertEquals(1, transport.counters().get("bad_register_accesses"));
        driver.initialise(ALL, 16, 1, 0x10000);
        driver.write(0x80, 0x1234);
        assertEquals(2, transport.counters().get("bad_register_accesses"));
    }

    @Test
    void unalignedOrNarrowRegisterAccessesAreCountedNotFatal() {
        byte[] two = new byte[2];
        transport.read(0x000, two);
        assertEquals(0, two[0]);
        transport.write(0x072, new byte[] {1, 0});
        transport.read(0x001, new byte[4]);
        transport.read(0x0f0, new byte[4]); // a hole in the register map
        assertEquals(4, transport.counters().get("bad_register_accesses"));
        assertEquals(0, driver.status());
    }

    @Test
    void aBadRingAddressFailsTheDeviceAtDriverOk() {
        driver.write(0x70, 1);
        driver.write(0x70, 3);
        driver.writeDriverFeatures(ALL);
        driver.write(0x70, 11);
        driver.write(0x30, 0);
        driver.write(0x38, 16);
        driver.write(0x80, 0xfff0_0000); // descriptor table far outside 1 MiB of RAM
        driver.write(0x90, 0x2000);
        driver.write(0xa0, 0x3000);
        driver.write(0x44, 1);
        driver.write(0x70, 15);
        assertTrue((driver.status() & MmioDriver.STATUS_NEEDS_RESET) != 0);
        assertEquals(2, driver.takeInterrupts(), "configuration-change interrupt");
        assertEquals(1, transport.counters().get("queue_setup_failures"));
        assertInstanceOf(DeviceState.Inactive.class, rng.state());
        assertNotNull(transport.lastFailure());
    }

    @Test
    void aMalformedChainFailsTheDeviceUntilReset() {
        List<DriverQueue> queues = driver.initialise(ALL, 16, 1, 0x10000);
        DriverQueue q = queues.get(0);
        q.writeDescriptor(q.desc, 0, 0x80000, 8, 1, 0); // NEXT to itself: a loop
        q.publish(0);
        driver.notifyQueue(0);
        assertTrue((driver.status() & MmioDriver.STATUS_NEEDS_RESET) != 0);
        assertEquals(1, rng.counters().get("descriptor_loop"));
        assertInstanceOf(DeviceState.Failed.class, rng.state());
        assertEquals(2, driver.takeInterrupts());

        // Further notifications are ignored; the host carries on.
        driver.notifyQueue(0);
        assertEquals(1, rng.counters().get("descriptor_loop"));

        // A reset and a fresh initialisation bring the device back.
        queues = driver.initialise(ALL, 16, 1, 0x10000);
        q = queues.get(0);
        q.publish(q.chain(List.of(Buf.in(0x80000, 16))));
        driver.notifyQueue(0);
        assertEquals(16, q.takeUsed().length());
        assertEquals(0, driver.status() & MmioDriver.STATUS_NEEDS_RESET);
    }

    @Test
    void writingStatusZeroResetsTheDevice() {
        driver.initialise(ALL, 16, 1, 0x10000);
        driver.write(0x70, 0);
        assertEquals(0, driver.status());
        assertInstanceOf(DeviceState.Inactive.class, rng.state());
        driver.notifyQueue(0);
        assertEquals(1, transport.counters().get("notifies_while_inactive"));
    }
}
