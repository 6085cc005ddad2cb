package dev.airlock.netstack.tap;

import dev.airlock.netstack.Counter;
import dev.airlock.netstack.NetstackCounters;
import dev.airlock.netstack.link.FrameReceiver;
import dev.airlock.netstack.link.LinkEndpoint;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import java.lang.System.Logger.Level;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.Reference;
import java.nio.ByteBuffer;

/**
 * A {@link LinkEndpoint} over a {@link TapDevice}. One reader thread polls the descriptor and
 * hands frames to the stack; writes happen on the caller's thread (the stack thread), guarded
 * so a wrapping link may also write from its own timer thread.
 *
 * <p>No per-frame copies on the large-frame path: the reader reads straight into a pooled
 * direct buffer and hands that buffer to the stack when the frame is large (at least
 * {@link #COPY_BELOW} bytes, so a buffer is never more than twice the frame it holds); smaller
 * frames are copied into a buffer of their own size and the big one is reused.
 *
 * <p>Frames toward the guest leave with one {@code writev}: the virtio-net header and the
 * segment's headers from a native buffer, the payload slices of the send buffer where they are.
 *
 * <p>Checksums are left to whoever reads the frame, both ways. From the guest: the TAP has
 * checksum offload on, so the guest's kernel skips TCP/UDP checksums and marks the frames
 * NEEDS_CSUM; the stack takes them without computing or verifying anything
 * ({@link FrameReceiver#receiveTrustedFrame}); a receiver that cannot gets them completed here.
 * TCP checksums toward the guest are left to the kernel ({@link #completesTcpChecksums()}):
 * each IPv4/TCP frame goes out with NEEDS_CSUM, as a virtio-net device with checksum offload
 * would send it, and the kernel delivers it as verified without touching every byte again.
 */
public final class TapLink implements LinkEndpoint {
    private static final System.Logger LOG = System.getLogger(TapLink.class.getName());
    private static final int MAX_FRAME = 65536;
    private static final int POLL_MILLIS = 50;
    /** Frames shorter than this are copied out of the read buffer; longer ones keep it. */
    static final int COPY_BELOW = (VirtioNetHeader.LENGTH + MAX_FRAME) / 2;
    private static final ByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;
    /** iovecs per write: a segment is a header and one slice per send-buffer piece it spans. */
    private static final int MAX_IOVECS = 64;
    /** Native parts shorter than this are copied: an iovec of a few bytes costs more than the copy. */
    private static final int GATHER_AT_LEAST = 512;

    private final TapDevice tap;
    private final int mtu;
    private final NetstackCounters linkCounters = new NetstackCounters();
    private final Arena arena = Arena.ofShared();
    /** The virtio-net header, followed by the parts of a frame that are copied rather than referenced. */
    private final MemorySegment txBuf = arena.allocate(VirtioNetHeader.LENGTH + MAX_FRAME);
    private final MemorySegment txIov = arena.allocate(16L * MAX_IOVECS, 8);
    private final MemorySegment txErrno = Libc.newCapture(arena);
    private Thread reader;
    private volatile boolean closed;

    public TapLink(TapDevice tap, int mtu) {
        this.tap = tap;
        this.mtu = mtu;
    }

    public String interfaceName() {
        return tap.name();
    }

    /** Counters of the link itself (virtio-net header problems, write failures). */
    public NetstackCounters counters() {
        return linkCounters;
    }

    @Override
    public int mtu() {
        return mtu;
    }

    /** The kernel completes TCP checksums of frames marked NEEDS_CSUM, which it then delivers as verified. */
    @Override
    public boolean completesTcpChecksums() {
        return true;
    }

    @Override
    public void start(FrameReceiver receiver) {
        reader = Thread.ofPlatform().daemon().name("tap-reader-" + tap.name()).start(() -> readLoop(receiver));
    }

    private void readLoop(FrameReceiver receiver) {
        ByteBuf buf = null;
        try (Arena local = Arena.ofConfined()) {
            MemorySegment errno = Libc.newCapture(local);
            MemorySegment pollfd = local.allocate(8);
            while (!closed) {
                if (!tap.pollReadable(pollfd, errno, POLL_MILLIS)) {
                    continue;
                }
                while (!closed) {
                    if (buf == null) {
                        buf = ALLOC.directBuffer(VirtioNetHeader.LENGTH + MAX_FRAME, VirtioNetHeader.LENGTH + MAX_FRAME);
                    }
                    MemorySegment into = MemorySegment.ofBuffer(buf.nioBuffer(0, buf.capacity()));
                    long n = tap.read(into, errno);
                    if (n < 0) {
                        break;
                    }
                    ByteBuf frame;
                    if (n >= COPY_BELOW) {
                        frame = buf.clear().writerIndex((int) n);
                        buf = null; // the stack owns it now
                    } else {
                        frame = ALLOC.directBuffer((int) n).writeBytes(buf, 0, (int) n);
                    }
                    deliver(receiver, frame);
                }
            }
        } catch (RuntimeException e) {
            if (!closed) {
                LOG.log(Level.ERROR, "TAP reader for " + tap.name() + " stopped", e);
            }
        } finally {
            if (buf != null) {
                buf.release();
            }
        }
    }

    private void deliver(FrameReceiver receiver, ByteBuf frame) {
        VirtioNetHeader.Verdict v = VirtioNetHeader.accept(frame, !receiver.takesTrustedFrames());
        if ((v == VirtioNetHeader.Verdict.OK || v == VirtioNetHeader.Verdict.TRUSTED) && frame.readableBytes() > mtu + 14) {
            linkCounters.inc(Counter.LINK_RX_TOO_LARGE);
            frame.release();
            return;
        }
        switch (v) {
            case OK -> receiver.receiveFrame(frame);
            case TRUSTED -> {
                linkCounters.inc(Counter.LINK_RX_CHECKSUM_TRUSTED);
                receiver.receiveTrustedFrame(frame);
            }
            case GSO -> {
                linkCounters.inc(Counter.LINK_VNET_GSO_DROPPED);
                frame.release();
            }
            case BAD -> {
                linkCounters.inc(Counter.LINK_VNET_BAD_HEADER);
                frame.release();
            }
        }
    }

    @Override
    public void writeFrame(ByteBuf frame) {
        try {
            int len = frame.readableBytes();
            if (closed || len > MAX_FRAME) {
                linkCounters.inc(Counter.LINK_TX_ERRORS);
                return;
            }
            synchronized (this) {
                VirtioNetHeader.writeForTransmit(txBuf, frame);
                int iovecs = gather(frame, len);
                if (!tap.writev(txIov, iovecs, txErrno)) {
                    linkCounters.inc(Counter.LINK_TX_ERRORS);
                }
                Reference.reachabilityFence(frame); // its memory is read by the kernel above
            }
        } catch (NativeCallException e) {
            linkCounters.inc(Counter.LINK_TX_ERRORS);
            if (!closed) {
                LOG.log(Level.WARNING, e.getMessage());
            }
        } finally {
            frame.release();
        }
    }

    /**
     * Describes the virtio-net header (already in {@code txBuf}) and the frame as iovecs for one
     * {@code writev}, and returns how many. Large parts in native memory (payload slices of a
     * segment) are referenced where they are; everything else (headers, heap buffers, small
     * pieces) is copied behind the virtio-net header in {@code txBuf}, which holds a whole frame.
     */
    private int gather(ByteBuf frame, int len) {
        ByteBuffer[] parts = frame.nioBufferCount() == 1
                ? new ByteBuffer[] {frame.nioBuffer(frame.readerIndex(), len)}
                : frame.nioBuffers(frame.readerIndex(), len);
        int n = 0;
        long copiedFrom = 0; // start of the txBuf range not yet described by an iovec
        long copiedTo = VirtioNetHeader.LENGTH;
        for (ByteBuffer part : parts) {
            int r = part.remaining();
            if (part.isDirect() && r >= GATHER_AT_LEAST && n + 2 < MAX_IOVECS) {
                if (copiedTo > copiedFrom) {
                    n = iovec(n, txBuf.address() + copiedFrom, copiedTo - copiedFrom);
                    copiedFrom = copiedTo;
                }
                n = iovec(n, MemorySegment.ofBuffer(part).address(), r);
            } else {
                MemorySegment.copy(MemorySegment.ofBuffer(part), 0, txBuf, copiedTo, r);
                copiedTo += r;
            }
        }
        if (copiedTo > copiedFrom) {
            n = iovec(n, txBuf.address() + copiedFrom, copiedTo - copiedFrom);
        }
        return n;
    }

    private int iovec(int n, long address, long length) {
        txIov.set(ValueLayout.JAVA_LONG, 16L * n, address);
        txIov.set(ValueLayout.JAVA_LONG, 16L * n + 8, length);
        return n + 1;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        Thread r = reader;
        if (r != null) {
            try {
                r.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            tap.close();
            arena.close();
        }
    }
}
