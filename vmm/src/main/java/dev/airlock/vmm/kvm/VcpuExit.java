package dev.airlock.vmm.kvm;

import java.lang.foreign.MemorySegment;

/**
 * Why {@code KVM_RUN} returned. The {@code data} segments of {@link Io} and {@link Mmio} are
 * windows into the vCPU's shared {@code kvm_run} page: read them for a guest write, fill them
 * for a guest read, and do so before the next {@link KvmVcpu#run()}.
 */
public sealed interface VcpuExit {

    /** KVM_EXIT_IO: an IN or OUT instruction; {@code data} holds {@code size * count} bytes. */
    record Io(boolean in, int port, int size, int count, MemorySegment data) implements VcpuExit {}

    /** KVM_EXIT_MMIO: an access to a guest-physical address with no memory behind it. */
    record Mmio(long address, boolean write, MemorySegment data) implements VcpuExit {}

    /** KVM_EXIT_HLT: the guest halted (only without an in-kernel irqchip). */
    record Hlt() implements VcpuExit {}

    /** KVM_EXIT_SHUTDOWN: triple fault or similar; the vCPU cannot continue. */
    record Shutdown() implements VcpuExit {}

    /** KVM_EXIT_FAIL_ENTRY: the hardware refused to enter the guest (bad register state). */
    record FailEntry(long hardwareReason, int cpu) implements VcpuExit {}

    /** KVM_EXIT_INTERNAL_ERROR: KVM could not emulate something. */
    record InternalError(int suberror, long[] data) implements VcpuExit {}

    /** KVM_EXIT_SYSTEM_EVENT: the guest asked for shutdown, reset or crash (PSCI/ACPI). */
    record SystemEvent(int type, long[] data) implements VcpuExit {
        public static final int SHUTDOWN = 1;
        public static final int RESET = 2;
        public static final int CRASH = 3;
    }

    /** KVM_RUN returned EINTR/EAGAIN: a signal, usually {@link KvmVcpu#kick()}. */
    record Interrupted() implements VcpuExit {}

    /** Any other exit reason, by its number in {@code <linux/kvm.h>}. */
    record Other(int reason) implements VcpuExit {}
}
