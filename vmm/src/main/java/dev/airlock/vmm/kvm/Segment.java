package dev.airlock.vmm.kvm;

/**
 * One segment register's hidden state ({@code struct kvm_segment}): what the CPU caches when a
 * selector is loaded, set directly so the guest need not load it.
 *
 * @param type     the 4-bit descriptor type (e.g. 0xB execute/read accessed code, 0x3 read/write accessed data)
 * @param s        1 for code/data segments, 0 for system segments (TSS, LDT)
 * @param db       default operand size (1 = 32-bit); must be 0 for a 64-bit code segment
 * @param l        1 for a 64-bit code segment
 * @param g        granularity (1 = limit in 4 KiB units; KVM takes the limit already scaled in bytes)
 */
public record Segment(long base, int limit, int selector, int type, boolean present, int dpl,
                      int db, int s, int l, int g, int avl, boolean unusable) {}
