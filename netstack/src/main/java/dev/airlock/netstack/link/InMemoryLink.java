package dev.airlock.netstack.link;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A link whose far side is Java code: {@link #inject} plays the guest sending a frame, and
 * frames the stack writes go to a consumer (by default a queue read with {@link #poll}). The
 * virtio-net device and black-box tests both use it.
 */
public final class InMemoryLink implements LinkEndpoint {
    private final int mtu;
    private final BlockingQueue<ByteBuf> outbound = new LinkedBlockingQueue<>();
    private volatile Consumer<ByteBuf> sink = outbound::add;
    private volatile FrameReceiver receiver;
    private volatile boolean closed;

    public InMemoryLink(int mtu) {
        this.mtu = mtu;
    }

    public InMemoryLink() {
        this(1500);
    }

    @Override
    public int mtu() {
        return mtu;
    }

    @Override
    public void start(FrameReceiver receiver) {
        this.receiver = receiver;
    }

    /** Sends frames the stack writes to {@code sink} instead of the internal queue. */
    public void onOutbound(Consumer<ByteBuf> sink) {
        this.sink = sink;
    }

    /** Delivers one frame to the stack as if the guest had sent it; takes ownership. */
    public void inject(ByteBuf frame) {
        FrameReceiver r = receiver;
        if (r == null || closed) {
            frame.release();
            return;
        }
        r.receiveFrame(frame);
    }

    @Override
    public void writeFrame(ByteBuf frame) {
        if (closed) {
            frame.release();
            return;
        }
        sink.accept(frame);
    }

    /** The next frame the stack wrote, or null after the timeout. The caller owns it. */
    public ByteBuf poll(long timeout, TimeUnit unit) throws InterruptedException {
        return outbound.poll(timeout, unit);
    }

    /** Releases and forgets every queued outbound frame; returns how many there were. */
    public int drain() {
        int n = 0;
        ByteBuf b;
        while ((b = outbound.poll()) != null) {
            b.release();
            n++;
        }
        return n;
    }

    @Override
    public void close() {
        closed = true;
        drain();
    }
}
