package dev.airlock.vmm.virtio.net;

import dev.airlock.netstack.link.FrameReceiver;
import dev.airlock.netstack.link.LinkEndpoint;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Joins a {@link VirtioNet} device to airlock's userspace netstack: to the device it is the
 * {@link FramePort}, to the stack it is the {@link LinkEndpoint}. Frames the guest transmits
 * are copied once (the device's buffer is only valid during {@link #send}) and handed to the
 * stack, which queues them onto its own thread; frames the stack writes are put straight into
 * the guest's receive queue on the stack thread (the device is synchronized and never blocks).
 *
 * <p>Frames are dropped and counted, never thrown, before both sides are connected and after
 * {@link #close}.
 */
public final class NetstackPort implements FramePort, LinkEndpoint {

    private final int mtu;
    private final AtomicLong droppedToStack = new AtomicLong();
    private final AtomicLong droppedToGuest = new AtomicLong();
    private volatile FrameSink guest;
    private volatile FrameReceiver stack;
    private volatile boolean closed;

    /** @param mtu the L3 MTU the stack assumes (1500: the guest's virtio-net MTU without offloads) */
    public NetstackPort(int mtu) {
        this.mtu = mtu;
    }

    public NetstackPort() {
        this(1500);
    }

    // FramePort: the device side.

    @Override
    public void send(ByteBuffer frame) {
        FrameReceiver r = stack;
        if (r == null || closed) {
            droppedToStack.incrementAndGet();
            return;
        }
        r.receiveFrame(Unpooled.copiedBuffer(frame));
    }

    @Override
    public void connect(FrameSink guest) {
        this.guest = guest;
    }

    // LinkEndpoint: the stack side.

    @Override
    public int mtu() {
        return mtu;
    }

    @Override
    public void start(FrameReceiver receiver) {
        this.stack = receiver;
    }

    @Override
    public void writeFrame(ByteBuf frame) {
        try {
            FrameSink g = guest;
            if (g == null || closed) {
                droppedToGuest.incrementAndGet();
                return;
            }
            g.accept(frame.nioBuffer());
        } finally {
            frame.release();
        }
    }

    /** Frames from the guest dropped because the stack was not attached (or the port closed). */
    public long droppedToStack() {
        return droppedToStack.get();
    }

    /** Frames from the stack dropped because no device was attached (or the port closed). */
    public long droppedToGuest() {
        return droppedToGuest.get();
    }

    @Override
    public void close() {
        closed = true;
    }
}
