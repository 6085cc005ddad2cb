package dev.airlock.cli;

import dev.airlock.netstack.tap.TapLink;
import dev.airlock.vmm.bus.InterruptLine;
import dev.airlock.vmm.memory.GuestMemory;
import dev.airlock.vmm.testing.DriverQueue;
import dev.airlock.vmm.testing.DriverQueue.Buf;
import dev.airlock.vmm.testing.MmioDriver;
import dev.airlock.vmm.virtio.VirtioFeatures;
import dev.airlock.vmm.virtio.net.FramePort;
import dev.airlock.vmm.virtio.net.VirtioNet;
import dev.airlock.vmm.virtio.transport.MmioTransport;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A guest whose TCP/IP stack is the Linux kernel in a network namespace and whose NIC is
 * airlock's virtio-net device over real guest RAM: every frame the kernel sends through its
 * TAP device is written into a transmit buffer in {@link GuestMemory} and handed to the
 * device through its split queue, and every frame the device puts into a receive buffer is
 * read back out of guest RAM and given to the kernel. So everything the sandboxed program
 * exchanges with airlock crosses guest memory exactly as it would with a booted Linux guest,
 * and a test can scan that memory afterwards.
 */
final class KernelGuestDriver implements AutoCloseable {

    private static final int QUEUE_SIZE = 256;
    private static final int BUFFER = 2048;
    private static final long RINGS = 0x10_0000;
    private static final long RX_BUFFERS = 0x40_0000;
    private static final long TX_BUFFERS = 0x80_0000;

    final GuestMemory memory;
    final VirtioNet net;
    private final TapLink tap;
    private final MmioDriver driver;
    private final DriverQueue rx;
    private final DriverQueue tx;
    private final Map<Integer, Long> rxBufferOfHead = new HashMap<>();
    private final LinkedBlockingQueue<byte[]> fromKernel = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean running = true;
    private int txSlot;

    KernelGuestDriver(GuestMemory memory, byte[] mac, FramePort port, TapLink tap) {
        this.memory = memory;
        this.tap = tap;
        this.net = new VirtioNet(mac, port);
        Thread[] self = new Thread[1];
        InterruptLine irq = high -> {
            if (high && self[0] != null) {
                LockSupport.unpark(self[0]);
            }
        };
        MmioTransport transport = new MmioTransport(net, memory, irq);
        driver = new MmioDriver(transport, memory);
        List<DriverQueue> q = driver.initialise(VirtioFeatures.VERSION_1 | VirtioNet.F_MAC, QUEUE_SIZE, 2, RINGS);
        rx = q.get(VirtioNet.RX_QUEUE);
        tx = q.get(VirtioNet.TX_QUEUE);
        for (int i = 0; i < QUEUE_SIZE; i++) {
            postRx(RX_BUFFERS + (long) i * BUFFER);
        }
        driver.notifyQueue(VirtioNet.RX_QUEUE);
        thread = Thread.ofPlatform().daemon().name("kernel-guest-driver").unstarted(this::loop);
        self[0] = thread;
        tap.start(frame -> {
            byte[] b = new byte[frame.readableBytes()];
            frame.readBytes(b);
            frame.release();
            fromKernel.add(b);
            LockSupport.unpark(thread);
        });
        thread.start();
    }

    private void postRx(long address) {
        int head = rx.chain(List.of(Buf.in(address, BUFFER)));
        rxBufferOfHead.put(head, address);
        rx.publish(head);
    }

    private void loop() {
        while (running) {
            boolean worked = false;
            byte[] frame;
            while ((frame = fromKernel.poll()) != null) {
                // Round-robin over 256 transmit buffers, so recent traffic stays visible in RAM.
                long at = TX_BUFFERS + (long) (txSlot++ % QUEUE_SIZE) * BUFFER;
                memory.write(at, new byte[VirtioNet.HEADER_SIZE]);
                memory.write(at + VirtioNet.HEADER_SIZE, frame);
                tx.publish(tx.chain(List.of(Buf.out(at, VirtioNet.HEADER_SIZE + frame.length))));
                driver.notifyQueue(VirtioNet.TX_QUEUE);
                while (tx.takeUsed() != null) {
                    // transmit buffers come back at once; nothing to do with them
                }
                worked = true;
            }
            DriverQueue.Used used;
            boolean reposted = false;
            while ((used = rx.takeUsed()) != null) {
                long address = rxBufferOfHead.remove(used.id());
                if (used.length() > VirtioNet.HEADER_SIZE) {
                    byte[] f = memory.read(address + VirtioNet.HEADER_SIZE, used.length() - VirtioNet.HEADER_SIZE);
                    ByteBuf b = Unpooled.wrappedBuffer(f);
                    tap.writeFrame(b);
                }
                postRx(address);
                reposted = true;
                worked = true;
            }
            if (reposted) {
                driver.notifyQueue(VirtioNet.RX_QUEUE);
            }
            if (!worked) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        LockSupport.unpark(thread);
        thread.join(2000);
        tap.close();
    }
}
