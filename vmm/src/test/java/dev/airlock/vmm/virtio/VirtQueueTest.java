package dev.airlock.vmm.virtio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.vmm.memory.GuestMemory;
import dev.airlock.vmm.testing.DriverQueue;
import dev.airlock.vmm.testing.DriverQueue.Buf;
import dev.airlock.vmm.testing.TestMemory;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VirtQueueTest {

    private static final long RAM = 1 << 20;
    private static final long DATA = 0x80000;
    private static final long ALL = VirtioFeatures.VERSION_1 | VirtioFeatures.EVENT_IDX | VirtioFeatures.INDIRECT_DESC;

    private final GuestMemory memory = TestMemory.of(RAM);

    private DriverQueue driver(int size) {
        return new DriverQueue(memory, 0x1000, size);
    }

    private VirtQueue device(DriverQueue d, long features) {
        return VirtQueue.create(memory, d.config(), 256, features);
    }

    private static DescriptorChain chainOf(PopResult r) {
        return assertInstanceOf(PopResult.Chain.class, r).chain();
    }

    private static QueueFault faultOf(PopResult r) {
        return assertInstanceOf(PopResult.Broken.class, r).fault();
    }

    @Test
    void popsAChainWithReadableThenWritableBuffers() {
        DriverQueue d = driver(8);
        VirtQueue q = device(d, ALL);
        memory.write(DATA, "request".getBytes());
        int head = d.chain(List.of(Buf.out(DATA, 4), Buf.out(DATA + 4, 3), Buf.in(DATA + 0x100, 16)));
        d.publish(head);

        DescriptorChain c = chainOf(q.pop());
        assertEquals(head, c.head());
        assertEquals(7, c.readableLength());
        assertEquals(16, c.writableLength());
        byte[] got = new byte[7];
        assertEquals(7, c.readFrom(memory, 0, got, 0, 7));
        assertArrayEquals("request".getBytes(), got);
        assertEquals(5, c.writeTo(memory, 11, "reply".getBytes(), 0, 5));
        assertArrayEquals("reply".getBytes(), memory.read(DATA + 0x100 + 11, 5));
        assertEquals(0, c.writeTo(memory, 16, new byte[1], 0, 1), "nothing fits past the writable stream");

        q.addUsed(c, 16);
        DriverQueue.Used u = d.takeUsed();
        assertEquals(new DriverQueue.Used(head, 16), u);
        assertInstanceOf(PopResult.Empty.class, q.pop());
    }

    @Test
    void indicesWrapPastU16Max() {
        DriverQueue d = driver(4);
        VirtQueue q = device(d, ALL);
        for (int i = 0; i < 70_000; i++) {
            memory.writeU32(DATA, i);
            int head = d.chain(List.of(Buf.out(DATA, 4)));
            d.publish(head);
            DescriptorChain c = chainOf(q.pop());
            byte[] b = new byte[4];
            c.readFrom(memory, 0, b, 0, 4);
            assertEquals(i, (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | (b[3] & 0xff) << 24);
            q.addUsed(c, 0);
            assertEquals(head, d.takeUsed().id());
        }
        assertEquals(70_000 & 0xffff, d.usedIdx(), "the used index wrapped around 65535");
        assertInstanceOf(PopResult.Empty.class, q.pop());
    }

    @Test
    void severalOutstandingChainsAcrossTheWrap() {
        DriverQueue d = driver(4);
        VirtQueue q = device(d, ALL);
        for (int round = 0; round < 25_000; round++) {
            int[] heads = new int[3];
            for (int i = 0; i < 3; i++) {
                heads[i] = d.chain(List.of(Buf.in(DATA + 64L * i, 64)));
                d.publish(heads[i]);
            }
            for (int i = 0; i < 3; i++) {
                DescriptorChain c = chainOf(q.pop());
                assertEquals(heads[i], c.head());
                q.addUsed(c, i);
            }
            for (int i = 0; i < 3; i++) {
                assertEquals(new DriverQueue.Used(heads[i], i), d.takeUsed());
            }
        }
        assertEquals(75_000 & 0xffff, d.usedIdx(), "wrapped once");
    }

    @Test
    void indirectTablesArePoppedLikeChains() {
        DriverQueue d = driver(8);
        VirtQueue q = device(d, ALL);
        memory.write(DATA, "abcdef".getBytes());
        int head = d.indirectChain(List.of(Buf.out(DATA, 2), Buf.out(DATA + 2, 4), Buf.in(DATA + 0x200, 8)));
        d.publish(head);
        DescriptorChain c = chainOf(q.pop());
        assertEquals(3, c.buffers().size());
        assertEquals(6, c.readableLength());
        assertEquals(8, c.writableLength());
        byte[] got = new byte[6];
        c.readFrom(memory, 0, got, 0, 6);
        assertArrayEquals("abcdef".getBytes(), got);
    }

    @Test
    void eventIndexSuppressesInterruptsUntilUsedEventIsPassed() {
        DriverQueue d = driver(8);
        VirtQueue q = device(d, ALL);
        d.setUsedEvent(2); // interrupt me once the entry with index 2 is used (i.e. the third)
        boolean[] wanted = new boolean[4];
        for (int i = 0; i < 4; i++) {
            d.publish(d.chain(List.of(Buf.in(DATA, 8))));
            DescriptorChain c = chainOf(q.pop());
            assertEquals(i + 1, d.availEvent(), "device publishes avail_event = its next available index");
            q.addUsed(c, 0);
            wanted[i] = q.needsInterrupt();
            d.takeUsed();
        }
        assertArrayEquals(new boolean[] {false, false, true, false}, wanted);

        // A batch that jumps over used_event still interrupts once.
        d.setUsedEvent(5);
        for (int i = 0; i < 3; i++) {
            d.publish(d.chain(List.of(Buf.in(DATA, 8))));
            q.addUsed(chainOf(q.pop()), 0);
        }
        assertTrue(q.needsInterrupt(), "used index went 4 -> 7, passing used_event 5");
        assertFalse(q.needsInterrupt(), "nothing new since");
    }

    @Test
    void withoutEventIndexTheNoInterruptFlagDecides() {
        DriverQueue d = driver(8);
        VirtQueue q = device(d, VirtioFeatures.VERSION_1);
        d.publish(d.chain(List.of(Buf.in(DATA, 8))));
        q.addUsed(chainOf(q.pop()), 0);
        assertTrue(q.needsInterrupt());
        d.setAvailFlags(VirtQueue.AVAIL_F_NO_INTERRUPT);
        d.publish(d.chain(List.of(Buf.in(DATA, 8))));
        q.addUsed(chainOf(q.pop()), 0);
        assertFalse(q.needsInterrupt());
    }

    @Test
    void aDescriptorOutsideRamBreaksTheQueue() {
        DriverQueue d = driver(8);
        VirtQueue q = device(d, ALL);
        d.publish(d.chain(List.of(Buf.out(RAM - 4, 8))));
        assertEquals(QueueFault.DESCRIPTOR_OUT_OF_BOUNDS, faultOf(q.pop()));
        // The queue stays broken: later chains are not processed.
        d.publish(d.chain(List.of(Buf.out(DATA, 8))));
        assertEquals(QueueFault.DESCRIPTOR_OUT_OF_BOUNDS, faultOf(q.pop()));
        assertEquals(QueueFault.DESCRIPTOR_OUT_OF_BOUNDS, q.fault());
    }

    @Test
    void addressPlusLengthOverflowIsOutOfBounds() {
        DriverQueue d = driver(8);
        VirtQueue q = device(d, ALL);
        d.writeDescriptor(d.desc, 0, 0xffff_ffff_ffff_f000L, 0x2000, 0, 0);
        d.publish(0);
        assertEquals(QueueFault.DESCRIPTOR_OUT_OF_BOUNDS, faultOf(q.pop()));
    }

    @Test
    void aLoopingChainIsDetected() {
        DriverQueue d = driver(8);
        VirtQueue q = device(d, ALL);
        d.writeDescriptor(d.desc, 0, DATA, 8, VirtQueue.DESC_F_NEXT, 1);
        d.writeDescriptor(d.desc, 1, DATA, 8, VirtQueue.DESC_F_NEXT, 2);
        d.writeDescriptor(d.desc, 2, DATA, 8, VirtQueue.DESC_F_NEXT, 0);
        d.publish(0);
        assertEquals(QueueFault.DESCRIPTOR_LOOP, faultOf(q.pop()));
    }

    @Test
    void aLoopInsideAnIndirectTableIsDetected() {
        DriverQueue d = driver(8);
        VirtQueue q = device(d, ALL);
        long table = d.indirectTableAddress(0);
        d.writeDescriptor(table, 0, DATA, 8, VirtQueue.DESC_F_NEXT, 1);
        d.writeDescriptor(table, 1, DATA, 8, VirtQueue.DESC_F_NEXT, 0);
        d.writeDescriptor(d.desc, 0, table, 32, VirtQueue.DESC_F_INDIRECT, 0);
        d.publish(0);
        assertEquals(QueueFault.DESCRIPTOR_LOOP, faultOf(q.pop()));
    }

    @Test
    void anIndirectTableLongerThanTheQueueIsRefused() {
        DriverQueue d = driver(4);
        VirtQueue q = device(d, ALL);
        long table = d.indirectTableAddress(0);
        for (int i = 0; i < 5; i++) {
            d.writeDescriptor(table, i, DATA, 8, i < 4 ? VirtQueue.DESC_F_NEXT : 0, i + 1);
        }
        d.writeDescriptor(d.desc, 0, table, 5 * 16, VirtQueue.DESC_F_INDIRECT, 0);
        d.publish(0);
        assertEquals(QueueFault.CHAIN_TOO_LONG, faultOf(q.pop()));
    }

    @Test
    void nestedIndirectTablesAreRefused() {
        DriverQueue d = driver(8);
        VirtQueue q = device(d, ALL);
        long outer = d.indirectTableAddress(0);
        long inner = d.indirectTableAddress(1);
        d.writeDescriptor(inner, 0, DATA, 8, 0, 0);
        d.writeDescriptor(outer, 0, inner, 16, VirtQueue.DESC_F_INDIRECT, 0);
        d.writeDescriptor(d.desc, 0, outer, 16, VirtQueue.DESC_F_INDIRECT, 0);
        d.publish(0);
        assertEquals(QueueFault.NESTED_INDIRECT, faultOf(q.pop()));
    }

    @Test
    void malformedIndirectDescriptorsAreRefused() {
        long table = 0x9000;
        int[][] cases = {
            {16 * 2, VirtQueue.DESC_F_INDIRECT | VirtQueue.DESC_F_NEXT}, // INDIRECT together with NEXT
            {0, VirtQueue.DESC_F_INDIRECT},                            // empty table
            {20, VirtQueue.DESC_F_INDIRECT},                           // not a multiple of 16
        };
        for (int[] c : cases) {
            DriverQueue d = driver(8);
            VirtQueue q = device(d, ALL);
            d.writeDescriptor(d.desc, 0, table, c[0], c[1], 1);
            d.publish(0);
            assertEquals(QueueFault.BAD_INDIRECT_TABLE, faultOf(q.pop()), "len " + c[0] + " flags " + c[1]);
        }
        DriverQueue d = driver(8);
        VirtQueue q = device(d, ALL);
        d.writeDescriptor(d.desc, 0, RAM - 16, 32, VirtQueue.DESC_F_INDIRECT, 0);
        d.publish(0);
        assertEquals(QueueFault.BAD_INDIRECT_TABLE, faultOf(q.pop()), "table past the end of RAM");
    }

    @Test
    void indirectDescriptorsNeedTheFeature() {
        DriverQueue d = driver(8);
        VirtQueue q = device(d, VirtioFeatures.VERSION_1);
        d.publish(d.indirectChain(List.of(Buf.out(DATA, 8))));
        assertEquals(QueueFault.INDIRECT_NOT_NEGOTIATED, faultOf(q.pop()));
    }

    @Test
    void readableAfterWritableIsRefused() {
        DriverQueue d = driver(8);
        VirtQueue q = device(d, ALL);
        d.publish(d.chain(List.of(Buf.in(DATA, 8), Buf.out(DATA + 8, 8))));
        assertEquals(QueueFault.READABLE_AFTER_WRITABLE, faultOf(q.pop()));
    }

    @Test
    void indicesPastTheTableAreRefused() {
        DriverQueue d = driver(8);
        VirtQueue q = device(d, ALL);
        d.publish(9); // head out of range
        assertEquals(QueueFault.INDEX_OUT_OF_RANGE, faultOf(q.pop()));

        DriverQueue d2 = driver(8);
        VirtQueue q2 = device(d2, ALL);
        d2.writeDescriptor(d2.desc, 0, DATA, 8, VirtQueue.DESC_F_NEXT, 8); // next out of range
        d2.publish(0);
        assertEquals(QueueFault.INDEX_OUT_OF_RANGE, faultOf(q2.pop()));
    }

    @Test
    void anAvailableIndexJumpIsRefused() {
        DriverQueue d = driver(8);
        VirtQueue q = device(d, ALL);
        memory.writeU16(d.avail + 2, 9); // 9 new entries in an 8-entry ring
        assertEquals(QueueFault.AVAIL_INDEX_JUMP, faultOf(q.pop()));
    }

    @Test
    void ringConfigurationIsCheckedAgainstRam() {
        DriverQueue d = driver(8);
        assertEquals(Optional.empty(), VirtQueue.check(memory, d.config(), 256));
        assertEquals(Optional.of(QueueFault.BAD_QUEUE_SIZE), VirtQueue.check(memory, new QueueConfig(6, d.desc, d.avail, d.used), 256));
        assertEquals(Optional.of(QueueFault.BAD_QUEUE_SIZE), VirtQueue.check(memory, new QueueConfig(512, d.desc, d.avail, d.used), 256));
        assertEquals(Optional.of(QueueFault.BAD_QUEUE_SIZE), VirtQueue.check(memory, new QueueConfig(0, d.desc, d.avail, d.used), 256));
        assertEquals(Optional.of(QueueFault.BAD_RING_ADDRESS), VirtQueue.check(memory, new QueueConfig(8, d.desc + 8, d.avail, d.used), 256));
        assertEquals(Optional.of(QueueFault.BAD_RING_ADDRESS), VirtQueue.check(memory, new QueueConfig(8, d.desc, d.avail, d.used + 2), 256));
        assertEquals(Optional.of(QueueFault.BAD_RING_ADDRESS), VirtQueue.check(memory, new QueueConfig(8, d.desc, RAM - 4, d.used), 256));
        assertEquals(Optional.of(QueueFault.BAD_RING_ADDRESS), VirtQueue.check(memory, new QueueConfig(8, -16, d.avail, d.used), 256));
    }

    @Test
    void anEmptyQueuePopsNothing() {
        DriverQueue d = driver(8);
        VirtQueue q = device(d, ALL);
        assertInstanceOf(PopResult.Empty.class, q.pop());
        assertFalse(q.hasAvailable());
        assertNull(q.fault());
    }
}
