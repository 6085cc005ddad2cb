package dev.airlock.vmm.testing;

import dev.airlock.vmm.memory.GuestMemory;
import dev.airlock.vmm.virtio.QueueConfig;
import dev.airlock.vmm.virtio.VirtQueue;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The driver side of one split virtqueue, written the way a guest driver would: descriptors,
 * available ring and used ring in guest memory, free descriptors recycled from the used ring.
 * Tests use it to feed device models (and to write deliberately broken rings).
 */
public final class DriverQueue {

    /** A buffer to put in a chain: where, how long, whether the device may write it. */
    public record Buf(long address, int length, boolean writable) {
        public static Buf out(long address, int length) {
            return new Buf(address, length, false);
        }

        public static Buf in(long address, int length) {
            return new Buf(address, length, true);
        }
    }

    /** One used-ring entry. */
    public record Used(int id, int length) {}

    public final GuestMemory memory;
    public final int size;
    public final long desc;
    public final long avail;
    public final long used;
    private final ArrayDeque<Integer> free = new ArrayDeque<>();
    private final long indirectArea;
    private int availIdx;
    private int lastUsed;
    private int indirectTables;

    /** Places the rings at {@code base} (16-byte aligned) and indirect tables after them. */
    public DriverQueue(GuestMemory memory, long base, int size) {
        this.memory = memory;
        this.size = size;
        this.desc = base;
        this.avail = base + 16L * size;
        this.used = align(avail + 6 + 2L * size, 4);
        this.indirectArea = align(used + 6 + 8L * size, 16);
        for (int i = 0; i < size; i++) {
            free.add(i);
        }
    }

    private static long align(long v, long a) {
        return (v + a - 1) & -a;
    }

    /** Bytes of guest memory the rings and {@code tables} indirect tables of {@code entries} need. */
    public long end(int tables, int entries) {
        return indirectArea + (long) tables * entries * 16;
    }

    public QueueConfig config() {
        return new QueueConfig(size, desc, avail, used);
    }

    public void writeDescriptor(long table, int index, long addr, int len, int flags, int next) {
        long d = table + 16L * index;
        memory.writeU64(d, addr);
        memory.writeU32(d + 8, len);
        memory.writeU16(d + 12, flags);
        memory.writeU16(d + 14, next);
    }

    /** Writes a chain into free descriptors and returns its head (does not publish it). */
    public int chain(List<Buf> bufs) {
        int[] ids = new int[bufs.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = free.remove();
        }
        for (int i = 0; i < ids.length; i++) {
            Buf b = bufs.get(i);
            boolean last = i == ids.length - 1;
            int flags = (b.writable() ? VirtQueue.DESC_F_WRITE : 0) | (last ? 0 : VirtQueue.DESC_F_NEXT);
            writeDescriptor(desc, ids[i], b.address(), b.length(), flags, last ? 0 : ids[i + 1]);
        }
        return ids[0];
    }

    /** Writes the buffers as an indirect table and one descriptor pointing at it; returns the head. */
    public int indirectChain(List<Buf> bufs) {
        long table = indirectArea + (long) (indirectTables++ % size) * size * 16;
        for (int i = 0; i < bufs.size(); i++) {
            Buf b = bufs.get(i);
            boolean last = i == bufs.size() - 1;
            int flags = (b.writable() ? VirtQueue.DESC_F_WRITE : 0) | (last ? 0 : VirtQueue.DESC_F_NEXT);
            writeDescriptor(table, i, b.address(), b.length(), flags, last ? 0 : i + 1);
        }
        int head = free.remove();
        writeDescriptor(desc, head, table, 16 * bufs.size(), VirtQueue.DESC_F_INDIRECT, 0);
        return head;
    }

    public long indirectTableAddress(int n) {
        return indirectArea + (long) n * size * 16;
    }

    /** Makes {@code head} available to the device. */
    public void publish(int head) {
        memory.writeU16(avail + 4 + 2L * (availIdx % size), head);
        VarHandle.releaseFence(); // the ring entry (and the chain) before the index that publishes it
        availIdx = (availIdx + 1) & 0xffff;
        memory.writeU16(avail + 2, availIdx);
    }

    /** Starts the free-running indices at {@code start} (to test wrap-around quickly). */
    public void startIndicesAt(int start) {
        availIdx = start & 0xffff;
        lastUsed = start & 0xffff;
        memory.writeU16(avail + 2, availIdx);
        memory.writeU16(used + 2, lastUsed);
    }

    public int availIdx() {
        return availIdx;
    }

    public int usedIdx() {
        return memory.readU16(used + 2);
    }

    /** Takes the next used entry and frees its descriptors; null when the device returned nothing new. */
    public Used takeUsed() {
        if (lastUsed == usedIdx()) {
            return null;
        }
        long e = used + 4 + 8L * (lastUsed % size);
        Used u = new Used(memory.readU32(e), memory.readU32(e + 4));
        lastUsed = (lastUsed + 1) & 0xffff;
        int id = u.id();
        while (true) {
            free.add(id);
            long d = desc + 16L * id;
            int flags = memory.readU16(d + 12);
            if ((flags & VirtQueue.DESC_F_NEXT) == 0) {
                break;
            }
            id = memory.readU16(d + 14);
        }
        return u;
    }

    /** used_event: interrupt me when the used index passes this value. */
    public void setUsedEvent(int value) {
        memory.writeU16(avail + 4 + 2L * size, value);
    }

    /** avail_event as the device last wrote it. */
    public int availEvent() {
        return memory.readU16(used + 4 + 8L * size);
    }

    public void setAvailFlags(int flags) {
        memory.writeU16(avail, flags);
    }
}
