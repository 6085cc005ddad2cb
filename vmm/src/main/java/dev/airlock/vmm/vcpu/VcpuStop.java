package dev.airlock.vmm.vcpu;

/** Why a vCPU's run loop ended. */
public sealed interface VcpuStop {

    /** The guest halted with no way to be woken (no in-kernel irqchip). */
    record Halted() implements VcpuStop {}

    /** The guest asked to reset or power off (i8042 reset, ACPI/PSCI event) or triple-faulted. */
    record GuestRequested(String what) implements VcpuStop {}

    /** The monitor asked the vCPU to stop. */
    record Requested(String why) implements VcpuStop {}

    /** KVM could not continue the guest; {@code detail} is for the operator's log. */
    record Failed(String detail) implements VcpuStop {}
}
