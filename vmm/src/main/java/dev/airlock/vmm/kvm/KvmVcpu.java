package dev.airlock.vmm.kvm;

import static dev.airlock.vmm.kvm.KvmStructs.offset;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * One virtual CPU: its registers and its run loop step. A vCPU belongs to one thread: the
 * monitor runs one thread per vCPU and only that thread calls {@link #run()} and the register
 * accessors. Any thread may {@link #kick()} it out of the guest.
 */
public final class KvmVcpu implements AutoCloseable {

    private static final int EXIT_IO = 2;
    private static final int EXIT_HLT = 5;
    private static final int EXIT_MMIO = 6;
    private static final int EXIT_SHUTDOWN = 8;
    private static final int EXIT_FAIL_ENTRY = 9;
    private static final int EXIT_INTERNAL_ERROR = 17;
    private static final int EXIT_SYSTEM_EVENT = 24;
    private static final int IO_DIRECTION_IN = 0;

    private static final long RUN_EXIT_REASON = offset(KvmStructs.RUN, "exit_reason");
    private static final long RUN_EXIT = offset(KvmStructs.RUN, "exit");

    private final int id;
    private final int fd;
    private final MemorySegment run;
    private final Object kickLock = new Object();
    /** The kernel thread id while a thread is bound to this vCPU ({@link #bindToCurrentThread}), else 0. */
    private int boundTid;
    private MemorySegment savedMask;
    private boolean closed;

    KvmVcpu(int id, int fd, MemorySegment run) {
        this.id = id;
        this.fd = fd;
        this.run = run;
    }

    public int id() {
        return id;
    }

    /** KVM_RUN: enters the guest until the next exit that needs the monitor. */
    public VcpuExit run() {
        int rc = Libc.ioctlRaw(fd, Ioctl.KVM_RUN, MemorySegment.NULL);
        if (rc == -Libc.EINTR || rc == -Libc.EAGAIN) {
            takeKicks();
            return new VcpuExit.Interrupted();
        }
        if (rc < 0) {
            throw new KvmException(new KvmError.CallFailed("KVM_RUN (vcpu " + id + ")", -rc, Libc.strerror(-rc)));
        }
        int reason = run.get(JAVA_INT, RUN_EXIT_REASON);
        return switch (reason) {
            case EXIT_IO -> ioExit();
            case EXIT_MMIO -> mmioExit();
            case EXIT_HLT -> new VcpuExit.Hlt();
            case EXIT_SHUTDOWN -> new VcpuExit.Shutdown();
            case EXIT_FAIL_ENTRY -> new VcpuExit.FailEntry(
                    run.get(JAVA_LONG, RUN_EXIT + offset(KvmStructs.RUN_FAIL_ENTRY, "hardware_entry_failure_reason")),
                    run.get(JAVA_INT, RUN_EXIT + offset(KvmStructs.RUN_FAIL_ENTRY, "cpu")));
            case EXIT_INTERNAL_ERROR -> new VcpuExit.InternalError(
                    run.get(JAVA_INT, RUN_EXIT + offset(KvmStructs.RUN_INTERNAL, "suberror")),
                    exitData(KvmStructs.RUN_INTERNAL));
            case EXIT_SYSTEM_EVENT -> new VcpuExit.SystemEvent(
                    run.get(JAVA_INT, RUN_EXIT + offset(KvmStructs.RUN_SYSTEM_EVENT, "type")),
                    exitData(KvmStructs.RUN_SYSTEM_EVENT));
            default -> new VcpuExit.Other(reason);
        };
    }

    private long[] exitData(java.lang.foreign.StructLayout layout) {
        int n = Math.min(16, Math.max(0, run.get(JAVA_INT, RUN_EXIT + offset(layout, "ndata"))));
        long[] data = new long[n];
        for (int i = 0; i < n; i++) {
            data[i] = run.get(JAVA_LONG, RUN_EXIT + offset(layout, "data") + 8L * i);
        }
        return data;
    }

    private VcpuExit ioExit() {
        long base = RUN_EXIT;
        int direction = run.get(JAVA_BYTE, base + offset(KvmStructs.RUN_IO, "direction"));
        int size = run.get(JAVA_BYTE, base + offset(KvmStructs.RUN_IO, "size")) & 0xff;
        int port = run.get(JAVA_SHORT, base + offset(KvmStructs.RUN_IO, "port")) & 0xffff;
        int count = run.get(JAVA_INT, base + offset(KvmStructs.RUN_IO, "count"));
        long dataOffset = run.get(JAVA_LONG, base + offset(KvmStructs.RUN_IO, "data_offset"));
        long length = (long) size * count;
        if (dataOffset < 0 || length < 0 || dataOffset + length > run.byteSize()) {
            throw new IllegalStateException("KVM_EXIT_IO data window " + dataOffset + "+" + length
                    + " lies outside the " + run.byteSize() + "-byte kvm_run mapping");
        }
        return new VcpuExit.Io(direction == IO_DIRECTION_IN, port, size, count, run.asSlice(dataOffset, length));
    }

    private VcpuExit mmioExit() {
        long base = RUN_EXIT;
        long address = run.get(JAVA_LONG, base + offset(KvmStructs.RUN_MMIO, "phys_addr"));
        int len = Math.min(8, run.get(JAVA_INT, base + offset(KvmStructs.RUN_MMIO, "len")));
        boolean write = run.get(JAVA_BYTE, base + offset(KvmStructs.RUN_MMIO, "is_write")) != 0;
        return new VcpuExit.Mmio(address, write, run.asSlice(base + offset(KvmStructs.RUN_MMIO, "data"), len));
    }

    /**
     * Makes the calling thread the one that runs this vCPU, so {@link #kick()} can reach it:
     * blocks the kick signal in this thread and has KVM unblock it while the guest runs
     * ({@link KickSignal} says why). Call on the vCPU thread before the first {@link #run()};
     * {@link #unbindFromCurrentThread()} undoes it.
     */
    public void bindToCurrentThread() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment old = Arena.ofAuto().allocate(Libc.SIGSET_BYTES, 8);
            Libc.pthreadSigmask(Libc.SIG_BLOCK, KickSignal.SET, old);
            MemorySegment mask = arena.allocate(4 + Libc.KERNEL_SIGSET_BYTES, 8);
            mask.set(JAVA_INT, 0, Libc.KERNEL_SIGSET_BYTES);
            mask.set(JAVA_LONG_UNALIGNED, 4, old.get(JAVA_LONG, 0) & ~KickSignal.bit());
            Libc.ioctl(fd, Ioctl.KVM_SET_SIGNAL_MASK, mask);
            synchronized (kickLock) {
                savedMask = old;
                boundTid = Libc.gettid();
            }
        }
    }

    /** Ends {@link #bindToCurrentThread()}: later kicks do nothing; the thread's signal mask is restored. */
    public void unbindFromCurrentThread() {
        MemorySegment old;
        synchronized (kickLock) {
            boundTid = 0;
            old = savedMask;
            savedMask = null;
        }
        takeKicks();
        if (old != null) {
            Libc.pthreadSigmask(Libc.SIG_SETMASK, old, MemorySegment.NULL);
        }
    }

    /**
     * Makes the current (or, if the vCPU is between runs, the next) {@link #run()} return
     * {@link VcpuExit.Interrupted}, even while the guest is halted or a secondary vCPU is still
     * waiting for its start-up IPI. Any thread; does nothing unless a thread is bound.
     */
    public void kick() {
        synchronized (kickLock) {
            if (boundTid != 0) {
                Libc.tgkill(Libc.getpid(), boundTid, KickSignal.NUMBER);
            }
        }
    }

    /** Consumes the kicks pending on this thread, so the next KVM_RUN enters the guest. */
    private static void takeKicks() {
        while (Libc.takePendingSignal(KickSignal.SET) != 0) {
            // each kick is queued separately (a real-time signal): take them all
        }
    }

    public Registers registers() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(KvmStructs.REGS);
            Libc.ioctl(fd, Ioctl.KVM_GET_REGS, s);
            return Registers.fromArray(s.toArray(JAVA_LONG));
        }
    }

    public void setRegisters(Registers r) {
        try (Arena arena = Arena.ofConfined()) {
            Libc.ioctl(fd, Ioctl.KVM_SET_REGS, arena.allocateFrom(JAVA_LONG, r.toArray()));
        }
    }

    public SpecialRegisters specialRegisters() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(KvmStructs.SREGS);
            Libc.ioctl(fd, Ioctl.KVM_GET_SREGS, s);
            return SregsCodec.read(s);
        }
    }

    public void setSpecialRegisters(SpecialRegisters sregs) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(KvmStructs.SREGS);
            SregsCodec.write(s, sregs);
            Libc.ioctl(fd, Ioctl.KVM_SET_SREGS, s);
        }
    }

    /** KVM_SET_MSRS; fails naming the first MSR the kernel refused. */
    public void setMsrs(List<MsrEntry> msrs) {
        try (Arena arena = Arena.ofConfined()) {
            long entry = KvmStructs.MSR_ENTRY.byteSize();
            MemorySegment s = arena.allocate(KvmStructs.MSRS_HEADER_SIZE + msrs.size() * entry, 8);
            s.set(JAVA_INT, 0, msrs.size());
            for (int i = 0; i < msrs.size(); i++) {
                long at = KvmStructs.MSRS_HEADER_SIZE + i * entry;
                s.set(JAVA_INT, at + offset(KvmStructs.MSR_ENTRY, "index"), msrs.get(i).index());
                s.set(JAVA_LONG, at + offset(KvmStructs.MSR_ENTRY, "data"), msrs.get(i).data());
            }
            int applied = Libc.ioctl(fd, Ioctl.KVM_SET_MSRS, s);
            if (applied != msrs.size()) {
                throw new KvmException(new KvmError.Partial("KVM_SET_MSRS (MSR 0x"
                        + Integer.toHexString(msrs.get(applied).index()) + ")", applied, msrs.size()));
            }
        }
    }

    /** KVM_SET_FPU with the given x87 control word and MXCSR, everything else zero. */
    public void setFpu(int fcw, int mxcsr) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocate(KvmStructs.FPU);
            s.set(JAVA_SHORT, offset(KvmStructs.FPU, "fcw"), (short) fcw);
            s.set(JAVA_INT, offset(KvmStructs.FPU, "mxcsr"), mxcsr);
            Libc.ioctl(fd, Ioctl.KVM_SET_FPU, s);
        }
    }

    /** KVM_SET_CPUID2: the CPUID leaves this vCPU reports. */
    public void setCpuid(List<CpuidEntry> entries) {
        try (Arena arena = Arena.ofConfined()) {
            long entry = KvmStructs.CPUID_ENTRY2.byteSize();
            MemorySegment s = arena.allocate(KvmStructs.CPUID2_HEADER_SIZE + entries.size() * entry, 8);
            s.set(JAVA_INT, 0, entries.size());
            for (int i = 0; i < entries.size(); i++) {
                CpuidCodec.write(s, KvmStructs.CPUID2_HEADER_SIZE + i * entry, entries.get(i));
            }
            Libc.ioctl(fd, Ioctl.KVM_SET_CPUID2, s);
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Libc.munmap(run);
            Libc.close(fd);
        }
    }
}
