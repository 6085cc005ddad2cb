package dev.airlock.netstack.tap;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A Linux TAP device opened through {@code /dev/net/tun} with IFF_TAP | IFF_NO_PI |
 * IFF_VNET_HDR, a 12-byte virtio-net header and checksum offload (TUN_F_CSUM) as the only
 * offload: no segmentation offloads, so frames stay within the MTU. Not persistent: the
 * interface disappears when the descriptor is closed.
 */
public final class TapDevice implements AutoCloseable {
    static final long TUNSETIFF = 0x400454caL;
    static final long TUNSETOFFLOAD = 0x400454d0L;
    static final long TUNSETVNETHDRSZ = 0x400454d8L;
    /** Offload flag: the kernel may hand us frames with TCP/UDP checksums left to do (NEEDS_CSUM). */
    static final long TUN_F_CSUM = 0x01;
    static final short IFF_TAP = 0x0002;
    static final short IFF_NO_PI = 0x1000;
    static final short IFF_VNET_HDR = 0x4000;
    private static final int IFREQ_SIZE = 40;
    private static final int IFNAMSIZ = 16;

    private final int fd;
    private final String name;
    private volatile boolean closed;

    private TapDevice(int fd, String name) {
        this.fd = fd;
        this.name = name;
    }

    /**
     * Creates a TAP interface. {@code requestedName} may contain {@code %d}; the kernel's chosen
     * name is returned by {@link #name()}. Needs CAP_NET_ADMIN.
     */
    public static TapDevice open(String requestedName) {
        if (requestedName.length() >= IFNAMSIZ) {
            throw new IllegalArgumentException("interface name longer than 15 bytes: " + requestedName);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = Libc.newCapture(arena);
            int fd = Libc.open(errno, arena.allocateFrom("/dev/net/tun"), Libc.O_RDWR | Libc.O_NONBLOCK | Libc.O_CLOEXEC);
            if (fd < 0) {
                throw new NativeCallException("open(/dev/net/tun)", Libc.errno(errno),
                        "check that /dev/net/tun exists (modprobe tun) and that the process has CAP_NET_ADMIN");
            }
            try {
                MemorySegment ifr = arena.allocate(IFREQ_SIZE);
                ifr.setString(0, requestedName);
                ifr.set(ValueLayout.JAVA_SHORT, IFNAMSIZ, (short) (IFF_TAP | IFF_NO_PI | IFF_VNET_HDR));
                if (Libc.ioctl(errno, fd, TUNSETIFF, ifr) < 0) {
                    throw new NativeCallException("ioctl(TUNSETIFF, " + requestedName + ")", Libc.errno(errno),
                            "creating a TAP interface needs CAP_NET_ADMIN");
                }
                String actual = ifr.getString(0);
                MemorySegment hdrSize = arena.allocateFrom(ValueLayout.JAVA_INT, VirtioNetHeader.LENGTH);
                if (Libc.ioctl(errno, fd, TUNSETVNETHDRSZ, hdrSize) < 0) {
                    throw new NativeCallException("ioctl(TUNSETVNETHDRSZ)", Libc.errno(errno), "");
                }
                if (Libc.ioctl(errno, fd, TUNSETOFFLOAD, TUN_F_CSUM) < 0) {
                    throw new NativeCallException("ioctl(TUNSETOFFLOAD, TUN_F_CSUM)", Libc.errno(errno), "");
                }
                return new TapDevice(fd, actual);
            } catch (RuntimeException e) {
                Libc.close(errno, fd);
                throw e;
            }
        }
    }

    public String name() {
        return name;
    }

    int fd() {
        return fd;
    }

    /** Waits up to {@code timeoutMillis} for a frame; true when one is readable. */
    boolean pollReadable(MemorySegment pollfd, MemorySegment errno, int timeoutMillis) {
        pollfd.set(ValueLayout.JAVA_INT, 0, fd);
        pollfd.set(ValueLayout.JAVA_SHORT, 4, Libc.POLLIN);
        pollfd.set(ValueLayout.JAVA_SHORT, 6, (short) 0);
        int r = Libc.poll(errno, pollfd, 1, timeoutMillis);
        if (r < 0) {
            int e = Libc.errno(errno);
            if (e == Libc.EINTR) {
                return false;
            }
            throw new NativeCallException("poll(" + name + ")", e, "");
        }
        return r > 0;
    }

    /** Reads one frame (header included); returns its length, or -1 when none is waiting. */
    long read(MemorySegment buf, MemorySegment errno) {
        long n = Libc.read(errno, fd, buf, buf.byteSize());
        if (n < 0) {
            int e = Libc.errno(errno);
            if (e == Libc.EAGAIN || e == Libc.EINTR) {
                return -1;
            }
            throw new NativeCallException("read(" + name + ")", e, "");
        }
        return n;
    }

    /** Writes one frame gathered from {@code count} iovecs; false if the kernel queue is full (EAGAIN). */
    boolean writev(MemorySegment iov, int count, MemorySegment errno) {
        long n = Libc.writev(errno, fd, iov, count);
        if (n < 0) {
            int e = Libc.errno(errno);
            if (e == Libc.EAGAIN || e == Libc.EINTR) {
                return false;
            }
            throw new NativeCallException("writev(" + name + ")", e, "");
        }
        return true;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = Libc.newCapture(arena);
            if (Libc.close(errno, fd) < 0) {
                throw new NativeCallException("close(" + name + ")", Libc.errno(errno), "");
            }
        }
    }
}
