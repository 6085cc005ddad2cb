package dev.airlock.vmm.kvm;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The real-time signal that kicks a vCPU thread out of {@code KVM_RUN}. A vCPU halted in the
 * guest (or an application processor waiting for its start-up IPI) sits inside the kernel and
 * never returns to the monitor on its own; a pending signal is the only thing that makes
 * {@code KVM_RUN} return ({@code EINTR}). Setting {@code kvm_run.immediate_exit} is not enough:
 * KVM reads it only when {@code KVM_RUN} starts.
 *
 * <p>The JVM offers no way to run a signal handler, and none is needed: each vCPU thread
 * blocks the signal, and tells KVM ({@code KVM_SET_SIGNAL_MASK}) to unblock it only while the
 * guest runs. A kick then interrupts {@code KVM_RUN} and stays pending, blocked, until the
 * thread takes it with {@code sigtimedwait}; a kick sent while the thread is outside
 * {@code KVM_RUN} makes the next one return at once, so none is lost. The process-wide
 * disposition is "ignore", so a kick that reaches any other thread (one that reused a finished
 * vCPU thread's id) is discarded instead of killing the process.
 */
final class KickSignal {

    /** SIGRTMIN + 6: glibc keeps its own two real-time signals below SIGRTMIN, HotSpot uses none. */
    static final int NUMBER = Libc.sigrtmin() + 6;
    /** A glibc sigset_t holding only {@link #NUMBER}. */
    static final MemorySegment SET = Arena.global().allocate(Libc.SIGSET_BYTES, 8);

    static {
        SET.set(JAVA_LONG, 0, bit());
        Libc.ignoreSignal(NUMBER);
    }

    private KickSignal() {}

    /** The signal's bit in the first 64-bit word of a sigset (signal n is bit n - 1). */
    static long bit() {
        return 1L << (NUMBER - 1);
    }
}
