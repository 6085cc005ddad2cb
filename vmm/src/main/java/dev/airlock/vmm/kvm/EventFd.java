package dev.airlock.vmm.kvm;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** A Linux eventfd: a counter the kernel (irqfd, ioeventfd) and the monitor signal each other through. */
public final class EventFd implements AutoCloseable {

    private final int fd;
    private boolean closed;

    private EventFd(int fd) {
        this.fd = fd;
    }

    /** A non-blocking eventfd starting at zero. */
    public static EventFd create() {
        return new EventFd(Libc.eventfd(Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK));
    }

    int fd() {
        return fd;
    }

    /** Adds {@code value} to the counter (wakes the kernel side for an irqfd). */
    public void signal(long value) {
        try (Arena arena = Arena.ofConfined()) {
            long n = Libc.write(fd, arena.allocateFrom(JAVA_LONG, value));
            if (n < 0) {
                throw new KvmException(new KvmError.CallFailed("eventfd write", (int) -n, Libc.strerror((int) -n)));
            }
        }
    }

    /** Reads and resets the counter; 0 when it was not signalled. */
    public long drain() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(JAVA_LONG);
            long n = Libc.read(fd, buf);
            if (n == -Libc.EAGAIN) {
                return 0;
            }
            if (n < 0) {
                throw new KvmException(new KvmError.CallFailed("eventfd read", (int) -n, Libc.strerror((int) -n)));
            }
            return buf.get(JAVA_LONG, 0);
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Libc.close(fd);
        }
    }
}
