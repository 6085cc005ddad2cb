package dev.airlock.vmm.kvm;

/** A descriptor table register (GDTR or IDTR; {@code struct kvm_dtable}). */
public record DescriptorTable(long base, int limit) {}
