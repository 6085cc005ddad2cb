package dev.airlock.vmm.virtio;

import dev.airlock.vmm.memory.GuestMemory;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;

/**
 * The device side of one split virtqueue (virtio 1.2, section 2.7) in guest memory.
 *
 * <p>Everything the driver wrote is distrusted: ring addresses are checked once when the queue
 * is created, and every chain is validated when popped (indices in range, buffers inside guest
 * RAM, no loops, at most queue-size buffers per chain, no nested indirect
 * tables, readable buffers before writable ones). The first violation breaks the queue: it is
 * reported as {@link PopResult.Broken} from then on, and the device puts itself into
 * DEVICE_NEEDS_RESET. Nothing here throws on guest input.
 *
 * <p>Layout in guest memory (all little-endian):
 * <pre>
 * descriptor table: size × {u64 addr, u32 len, u16 flags, u16 next}        (16-byte aligned)
 * available ring:   u16 flags, u16 idx, u16 ring[size], u16 used_event       (2-byte aligned)
 * used ring:        u16 flags, u16 idx, {u32 id, u32 len}[size], u16 avail_event (4-byte aligned)
 * </pre>
 * A queue is used by one thread at a time (its device serialises access).
 */
public final class VirtQueue {

    public static final int DESC_F_NEXT = 1;
    public static final int DESC_F_WRITE = 2;
    public static final int DESC_F_INDIRECT = 4;
    /** VIRTQ_AVAIL_F_NO_INTERRUPT: the driver does not want interrupts (without EVENT_IDX). */
    public static final int AVAIL_F_NO_INTERRUPT = 1;
    public static final int DESCRIPTOR_SIZE = 16;
    /** The largest queue size the split ring format allows. */
    public static final int MAX_SIZE = 32768;

    private final GuestMemory memory;
    private final int size;
    private final long desc;
    private final long avail;
    private final long used;
    private final boolean eventIdx;
    private final boolean indirect;

    private int nextAvail;
    private int nextUsed;
    private int usedAtLastSignal;
    private QueueFault broken;

    private VirtQueue(GuestMemory memory, QueueConfig c, boolean eventIdx, boolean indirect) {
        this.memory = memory;
        this.size = c.size();
        this.desc = c.descTable();
        this.avail = c.availRing();
        this.used = c.usedRing();
        this.eventIdx = eventIdx;
        this.indirect = indirect;
    }

    /**
     * Checks a driver's queue configuration against guest RAM; empty when it is usable.
     */
    public static Optional<QueueFault> check(GuestMemory memory, QueueConfig c, int maxSize) {
        int n = c.size();
        if (n <= 0 || n > maxSize || n > MAX_SIZE || Integer.bitCount(n) != 1) {
            return Optional.of(QueueFault.BAD_QUEUE_SIZE);
        }
        boolean ok = c.descTable() % 16 == 0 && memory.contains(c.descTable(), (long) DESCRIPTOR_SIZE * n)
                && c.availRing() % 2 == 0 && memory.contains(c.availRing(), 6L + 2L * n)
                && c.usedRing() % 4 == 0 && memory.contains(c.usedRing(), 6L + 8L * n);
        return ok ? Optional.empty() : Optional.of(QueueFault.BAD_RING_ADDRESS);
    }

    /**
     * Creates the device side of a queue whose configuration passed {@link #check}.
     *
     * @param features the negotiated features (EVENT_IDX and INDIRECT_DESC matter here)
     */
    public static VirtQueue create(GuestMemory memory, QueueConfig c, int maxSize, long features) {
        Optional<QueueFault> fault = check(memory, c, maxSize);
        if (fault.isPresent()) {
            throw new IllegalArgumentException("queue configuration not checked: " + fault.get().description());
        }
        return new VirtQueue(memory, c, VirtioFeatures.has(features, VirtioFeatures.EVENT_IDX),
                VirtioFeatures.has(features, VirtioFeatures.INDIRECT_DESC));
    }

    public int size() {
        return size;
    }

    /** The fault that broke this queue, or null while it is healthy. */
    public QueueFault fault() {
        return broken;
    }

    /** Takes the next available chain, validating it completely. */
    public PopResult pop() {
        if (broken != null) {
            return new PopResult.Broken(broken);
        }
        int availIdx = memory.readU16(avail + 2);
        VarHandle.acquireFence(); // ring entries are read after the index that published them
        int pending = (availIdx - nextAvail) & 0xffff;
        if (pending == 0) {
            return new PopResult.Empty();
        }
        if (pending > size) {
            return breakWith(QueueFault.AVAIL_INDEX_JUMP);
        }
        int head = memory.readU16(avail + 4 + 2L * (nextAvail % size));
        PopResult result = walk(head);
        if (result instanceof PopResult.Chain) {
            nextAvail = (nextAvail + 1) & 0xffff;
            if (eventIdx) {
                // avail_event: ask the driver to notify once it publishes past what we consumed.
                memory.writeU16(used + 4 + 8L * size, nextAvail);
            }
        }
        return result;
    }

    private PopResult walk(int head) {
        if (head >= size) {
            return breakWith(QueueFault.INDEX_OUT_OF_RANGE);
        }
        List<DescriptorChain.Buffer> buffers = new ArrayList<>();
        BitSet seen = new BitSet(size);
        long table = desc;
        int tableSize = size;
        boolean inIndirect = false;
        boolean sawWritable = false;
        int index = head;
        while (true) {
            if (seen.get(index)) {
                return breakWith(QueueFault.DESCRIPTOR_LOOP);
            }
            seen.set(index);
            long d = table + (long) DESCRIPTOR_SIZE * index;
            long addr = memory.readU64(d);
            int len = memory.readU32(d + 8);
            int flags = memory.readU16(d + 12);
            int next = memory.readU16(d + 14);
            if ((flags & DESC_F_INDIRECT) != 0) {
                if (!indirect) {
                    return breakWith(QueueFault.INDIRECT_NOT_NEGOTIATED);
                }
                if (inIndirect) {
                    return breakWith(QueueFault.NESTED_INDIRECT);
                }
                long tableBytes = Integer.toUnsignedLong(len);
                if ((flags & DESC_F_NEXT) != 0 || tableBytes == 0 || tableBytes % DESCRIPTOR_SIZE != 0
                        || !memory.contains(addr, tableBytes)) {
                    return breakWith(QueueFault.BAD_INDIRECT_TABLE);
                }
                if (tableBytes / DESCRIPTOR_SIZE > size) {
                    return breakWith(QueueFault.CHAIN_TOO_LONG);
                }
                table = addr;
                tableSize = (int) (tableBytes / DESCRIPTOR_SIZE);
                inIndirect = true;
                seen = new BitSet(tableSize);
                index = 0;
                continue;
            }
            boolean writable = (flags & DESC_F_WRITE) != 0;
            if (!writable && sawWritable) {
                return breakWith(QueueFault.READABLE_AFTER_WRITABLE);
            }
            sawWritable |= writable;
            if (!memory.contains(addr, Integer.toUnsignedLong(len))) {
                return breakWith(QueueFault.DESCRIPTOR_OUT_OF_BOUNDS);
            }
            if (buffers.size() == size) {
                return breakWith(QueueFault.CHAIN_TOO_LONG);
            }
            buffers.add(new DescriptorChain.Buffer(addr, len, writable));
            if ((flags & DESC_F_NEXT) == 0) {
                return new PopResult.Chain(new DescriptorChain(head, buffers));
            }
            if (next >= tableSize) {
                return breakWith(QueueFault.INDEX_OUT_OF_RANGE);
            }
            index = next;
        }
    }

    private PopResult breakWith(QueueFault fault) {
        broken = fault;
        return new PopResult.Broken(fault);
    }

    /**
     * Returns a chain to the driver: {@code written} is how many bytes the device wrote into
     * its writable buffers.
     */
    public void addUsed(DescriptorChain chain, int written) {
        long slot = used + 4 + 8L * (nextUsed % size);
        memory.writeU32(slot, chain.head());
        memory.writeU32(slot + 4, written);
        VarHandle.releaseFence(); // the entry is visible before the index that publishes it
        nextUsed = (nextUsed + 1) & 0xffff;
        memory.writeU16(used + 2, nextUsed);
    }

    /**
     * Whether the driver wants an interrupt for the used entries added since the last call
     * (virtio 1.2, 2.7.10): with EVENT_IDX, when used_event lies in the range just published;
     * otherwise unless the driver set VIRTQ_AVAIL_F_NO_INTERRUPT.
     */
    public boolean needsInterrupt() {
        VarHandle.fullFence(); // our used.idx write is ordered before reading the driver's event index
        int old = usedAtLastSignal;
        int now = nextUsed;
        usedAtLastSignal = now;
        if (old == now) {
            return false;
        }
        if (eventIdx) {
            int usedEvent = memory.readU16(avail + 4 + 2L * size);
            return ((now - usedEvent - 1) & 0xffff) < ((now - old) & 0xffff);
        }
        return (memory.readU16(avail) & AVAIL_F_NO_INTERRUPT) == 0;
    }

    /** Whether the driver has made chains available that were not popped yet. */
    public boolean hasAvailable() {
        return broken == null && ((memory.readU16(avail + 2) - nextAvail) & 0xffff) != 0;
    }
}
