package dev.airlock.netstack.link;

import dev.airlock.netstack.Counter;
import dev.airlock.netstack.NetstackCounters;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * A frame port over a stream socket in the QEMU {@code -netdev stream}/passt format: each
 * frame is preceded by its length as a 4-byte big-endian integer. A reader thread delivers
 * inbound frames; a writer thread drains a bounded queue so a slow peer can never block the
 * stack thread (overflow is counted as {@code link_tx_errors}). A length outside
 * [14, MTU + 14] desynchronizes the stream for good, so it is counted and the port closes.
 */
public final class StreamSocketLink implements LinkEndpoint {
    private static final System.Logger LOG = System.getLogger(StreamSocketLink.class.getName());
    private static final int TX_QUEUE = 1024;
    private static final ByteBuf POISON = Unpooled.EMPTY_BUFFER;

    private final SocketChannel channel;
    private final int mtu;
    private final NetstackCounters counters = new NetstackCounters();
    private final BlockingQueue<ByteBuf> tx = new ArrayBlockingQueue<>(TX_QUEUE);
    private Thread reader;
    private Thread writer;
    private volatile boolean closed;

    public StreamSocketLink(SocketChannel channel, int mtu) {
        this.channel = channel;
        this.mtu = mtu;
    }

    /** Connects to a Unix stream socket (e.g. one passt or {@code qemu -netdev stream,server=on} listens on). */
    public static StreamSocketLink connect(Path socket, int mtu) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            ch.close();
            throw new IOException("cannot connect to the frame socket " + socket + ": " + e.getMessage(), e);
        }
        return new StreamSocketLink(ch, mtu);
    }

    /** The port's own counters (oversized lengths, write failures). */
    public NetstackCounters counters() {
        return counters;
    }

    @Override
    public int mtu() {
        return mtu;
    }

    @Override
    public void start(FrameReceiver receiver) {
        reader = Thread.ofPlatform().daemon().name("stream-link-reader").start(() -> readLoop(receiver));
        writer = Thread.ofPlatform().daemon().name("stream-link-writer").start(this::writeLoop);
    }

    private void readLoop(FrameReceiver receiver) {
        ByteBuffer len = ByteBuffer.allocate(4);
        try {
            while (!closed) {
                len.clear();
                if (!readFully(len)) {
                    break;
                }
                int n = len.getInt(0);
                if (n < 14 || n > mtu + 14) {
                    counters.inc(Counter.LINK_RX_TOO_LARGE);
                    LOG.log(Level.WARNING, "frame socket sent a frame length of " + n + "; closing the port");
                    break;
                }
                ByteBuffer frame = ByteBuffer.allocate(n);
                if (!readFully(frame)) {
                    break;
                }
                counters.inc(Counter.LINK_RX_FRAMES);
                receiver.receiveFrame(Unpooled.wrappedBuffer(frame.flip()));
            }
        } catch (IOException e) {
            if (!closed) {
                LOG.log(Level.WARNING, "frame socket read failed: " + e.getMessage());
            }
        }
        close();
    }

    private boolean readFully(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            if (channel.read(b) < 0) {
                return false;
            }
        }
        return true;
    }

    private void writeLoop() {
        try {
            while (true) {
                ByteBuf f = tx.take();
                if (f == POISON) {
                    return;
                }
                try {
                    ByteBuffer header = ByteBuffer.allocate(4).putInt(0, f.readableBytes());
                    ByteBuffer body = f.nioBuffer();
                    ByteBuffer[] both = {header, body};
                    while (body.hasRemaining() || header.hasRemaining()) {
                        channel.write(both);
                    }
                } catch (IOException e) {
                    counters.inc(Counter.LINK_TX_ERRORS);
                    if (!closed) {
                        LOG.log(Level.WARNING, "frame socket write failed: " + e.getMessage());
                    }
                    return;
                } finally {
                    f.release();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void writeFrame(ByteBuf frame) {
        if (closed || !tx.offer(frame)) {
            counters.inc(Counter.LINK_TX_ERRORS);
            frame.release();
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            channel.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing the frame socket: " + e.getMessage());
        }
        tx.clear();
        tx.offer(POISON);
    }
}
