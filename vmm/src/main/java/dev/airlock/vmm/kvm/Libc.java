package dev.airlock.vmm.kvm;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The handful of libc calls the monitor needs, bound through the Foreign Function &amp; Memory
 * API. Every call captures {@code errno}; a failing call raises a {@link KvmException} that
 * names the call (for ioctls, the request name) and the error text, so no caller can forget to
 * check a return value.
 */
final class Libc {

    static final int O_RDWR = 2;
    static final int O_CLOEXEC = 0x80000;
    static final int PROT_READ = 1;
    static final int PROT_WRITE = 2;
    static final int MAP_SHARED = 0x01;
    static final int MAP_PRIVATE = 0x02;
    static final int MAP_ANONYMOUS = 0x20;
    static final int MAP_NORESERVE = 0x4000;
    static final int EFD_CLOEXEC = 0x80000;
    static final int EFD_NONBLOCK = 0x800;
    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int E2BIG = 7;
    static final int SIG_BLOCK = 0;
    static final int SIG_SETMASK = 2;
    /** glibc's sigset_t is 1024 bits; the kernel's (what KVM_SET_SIGNAL_MASK takes) is 64 on x86-64. */
    static final int SIGSET_BYTES = 128;
    static final int KERNEL_SIGSET_BYTES = 8;
    private static final MemorySegment SIG_IGN = MemorySegment.ofAddress(1);
    private static final MemorySegment SIG_ERR = MemorySegment.ofAddress(-1);

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(PathElement.groupElement("errno"));
    private static final Linker.Option ERRNO_OPT = Linker.Option.captureCallState("errno");
    private static final ThreadLocal<MemorySegment> CAPTURED =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CAPTURE));

    private static final MethodHandle OPEN = bind("open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), true, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = bind("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT), true);
    private static final MethodHandle IOCTL_PTR = bind("ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), true, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle IOCTL_LONG = bind("ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG), true, Linker.Option.firstVariadicArg(2));
    private static final MethodHandle MMAP = bind("mmap",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG), true);
    private static final MethodHandle MUNMAP = bind("munmap",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG), true);
    private static final MethodHandle EVENTFD = bind("eventfd",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), true);
    private static final MethodHandle READ = bind("read",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), true);
    private static final MethodHandle WRITE = bind("write",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), true);
    private static final MethodHandle STRERROR = bind("strerror",
            FunctionDescriptor.of(ADDRESS, JAVA_INT), false);
    private static final MethodHandle PTHREAD_SIGMASK = bind("pthread_sigmask",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS), false);
    private static final MethodHandle SIGTIMEDWAIT = bind("sigtimedwait",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS), true);
    private static final MethodHandle SIGNAL = bind("signal",
            FunctionDescriptor.of(ADDRESS, JAVA_INT, ADDRESS), true);
    private static final MethodHandle MINCORE = bind("mincore",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS), true);
    private static final MethodHandle GETTID = bind("gettid", FunctionDescriptor.of(JAVA_INT), false);
    private static final MethodHandle GETPID = bind("getpid", FunctionDescriptor.of(JAVA_INT), false);
    private static final MethodHandle TGKILL = bind("tgkill",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), true);
    private static final MethodHandle SIGRTMIN = bind("__libc_current_sigrtmin", FunctionDescriptor.of(JAVA_INT), false);

    private Libc() {}

    private static MethodHandle bind(String name, FunctionDescriptor fd, boolean errno, Linker.Option... extra) {
        MemorySegment symbol = LIBC.find(name)
                .orElseThrow(() -> new IllegalStateException("libc has no symbol " + name));
        Linker.Option[] options = extra;
        if (errno) {
            options = new Linker.Option[extra.length + 1];
            options[0] = ERRNO_OPT;
            System.arraycopy(extra, 0, options, 1, extra.length);
        }
        return LINKER.downcallHandle(symbol, fd, options);
    }

    /** The text libc gives for an errno value, e.g. "Permission denied". */
    static String strerror(int errno) {
        try {
            MemorySegment text = (MemorySegment) STRERROR.invokeExact(errno);
            return text.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "errno " + errno;
        }
    }

    private static int lastErrno() {
        return (int) ERRNO.get(CAPTURED.get(), 0L);
    }

    private static KvmException failure(String call, int errno) {
        return new KvmException(new KvmError.CallFailed(call, errno, strerror(errno)));
    }

    /** Opens {@code path} read-write; returns the fd or the (positive) errno negated. */
    static int openOrErrno(String path) {
        try (Arena arena = Arena.ofConfined()) {
            int fd = (int) OPEN.invokeExact(CAPTURED.get(), arena.allocateFrom(path), O_RDWR | O_CLOEXEC);
            return fd >= 0 ? fd : -lastErrno();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void close(int fd) {
        try {
            int rc = (int) CLOSE.invokeExact(CAPTURED.get(), fd);
            if (rc < 0) {
                throw failure("close", lastErrno());
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** ioctl with a pointer argument; returns the non-negative result or throws naming {@code name}. */
    static int ioctl(int fd, Ioctl request, MemorySegment arg) {
        int rc = ioctlRaw(fd, request, arg);
        if (rc < 0) {
            throw failure(request.name(), -rc);
        }
        return rc;
    }

    /** ioctl with a pointer argument; returns the result, or the errno negated on failure. */
    static int ioctlRaw(int fd, Ioctl request, MemorySegment arg) {
        try {
            int rc = (int) IOCTL_PTR.invokeExact(CAPTURED.get(), fd, request.code(), arg);
            return rc >= 0 ? rc : -lastErrno();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** ioctl with an integer argument; returns the non-negative result or throws naming {@code name}. */
    static int ioctl(int fd, Ioctl request, long arg) {
        try {
            int rc = (int) IOCTL_LONG.invokeExact(CAPTURED.get(), fd, request.code(), arg);
            if (rc < 0) {
                throw failure(request.name(), lastErrno());
            }
            return rc;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static MemorySegment mmap(long length, int prot, int flags, int fd, long offset) {
        try {
            MemorySegment p = (MemorySegment) MMAP.invokeExact(CAPTURED.get(), MemorySegment.NULL, length, prot, flags, fd, offset);
            if (p.address() == -1L) {
                throw failure("mmap(" + length + " bytes)", lastErrno());
            }
            return p.reinterpret(length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static void munmap(MemorySegment mapping) {
        try {
            int rc = (int) MUNMAP.invokeExact(CAPTURED.get(), mapping, mapping.byteSize());
            if (rc < 0) {
                throw failure("munmap", lastErrno());
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int eventfd(int flags) {
        try {
            int fd = (int) EVENTFD.invokeExact(CAPTURED.get(), 0, flags);
            if (fd < 0) {
                throw failure("eventfd", lastErrno());
            }
            return fd;
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** read(2); returns bytes read, or the errno negated. */
    static long read(int fd, MemorySegment buf) {
        try {
            long n = (long) READ.invokeExact(CAPTURED.get(), fd, buf, buf.byteSize());
            return n >= 0 ? n : -lastErrno();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** write(2); returns bytes written, or the errno negated. */
    static long write(int fd, MemorySegment buf) {
        try {
            long n = (long) WRITE.invokeExact(CAPTURED.get(), fd, buf, buf.byteSize());
            return n >= 0 ? n : -lastErrno();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** mincore(2): one byte per page of {@code mapping} (page-aligned), bit 0 set when resident. */
    static void mincore(MemorySegment mapping, MemorySegment vector) {
        try {
            int rc = (int) MINCORE.invokeExact(CAPTURED.get(), mapping, mapping.byteSize(), vector);
            if (rc < 0) {
                throw failure("mincore", lastErrno());
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** pthread_sigmask(2) for the calling thread; {@code old} may be NULL. */
    static void pthreadSigmask(int how, MemorySegment set, MemorySegment old) {
        try {
            int rc = (int) PTHREAD_SIGMASK.invokeExact(how, set, old);
            if (rc != 0) {
                throw failure("pthread_sigmask", rc); // returns the error number instead of setting errno
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * sigtimedwait(2) with a zero timeout: takes one pending signal of {@code set} off the
     * calling thread; returns its number, or 0 when none was pending.
     */
    static int takePendingSignal(MemorySegment set) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment zero = arena.allocate(16, 8); // struct timespec {0, 0}
            int sig = (int) SIGTIMEDWAIT.invokeExact(CAPTURED.get(), set, MemorySegment.NULL, zero);
            if (sig > 0) {
                return sig;
            }
            int errno = lastErrno();
            if (errno == EAGAIN || errno == EINTR) {
                return 0;
            }
            throw failure("sigtimedwait", errno);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** signal(sig, SIG_IGN): the process discards {@code sig} unless a thread blocks it. */
    static void ignoreSignal(int sig) {
        try {
            MemorySegment old = (MemorySegment) SIGNAL.invokeExact(CAPTURED.get(), sig, SIG_IGN);
            if (old.equals(SIG_ERR)) {
                throw failure("signal(" + sig + ", SIG_IGN)", lastErrno());
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The first real-time signal number glibc leaves to applications (SIGRTMIN). */
    static int sigrtmin() {
        try {
            return (int) SIGRTMIN.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The kernel's id of the calling thread. */
    static int gettid() {
        try {
            return (int) GETTID.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static int getpid() {
        try {
            return (int) GETPID.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** tgkill(2): sends {@code sig} to one thread of process {@code pid}. */
    static void tgkill(int pid, int tid, int sig) {
        try {
            int rc = (int) TGKILL.invokeExact(CAPTURED.get(), pid, tid, sig);
            if (rc < 0) {
                throw failure("tgkill(" + tid + ", " + sig + ")", lastErrno());
            }
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("native call failed", t);
    }
}
