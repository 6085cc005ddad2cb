package dev.airlock.vmm.kvm;

/** A model-specific register to set: its index and value ({@code struct kvm_msr_entry}). */
public record MsrEntry(int index, long data) {}
