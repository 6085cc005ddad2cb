package dev.airlock.vmm.kvm;

/**
 * The general-purpose registers of one vCPU ({@code struct kvm_regs}), as a plain mutable
 * mirror of the kernel struct: read with {@link KvmVcpu#registers()}, change, write back with
 * {@link KvmVcpu#setRegisters(Registers)}.
 */
public final class Registers {
    public long rax, rbx, rcx, rdx, rsi, rdi, rsp, rbp;
    public long r8, r9, r10, r11, r12, r13, r14, r15;
    public long rip;
    /** Bit 1 is reserved and must be set; {@code 0x2} is the value at reset. */
    public long rflags = 0x2;

    long[] toArray() {
        return new long[] {rax, rbx, rcx, rdx, rsi, rdi, rsp, rbp, r8, r9, r10, r11, r12, r13, r14, r15, rip, rflags};
    }

    static Registers fromArray(long[] v) {
        Registers r = new Registers();
        r.rax = v[0]; r.rbx = v[1]; r.rcx = v[2]; r.rdx = v[3];
        r.rsi = v[4]; r.rdi = v[5]; r.rsp = v[6]; r.rbp = v[7];
        r.r8 = v[8]; r.r9 = v[9]; r.r10 = v[10]; r.r11 = v[11];
        r.r12 = v[12]; r.r13 = v[13]; r.r14 = v[14]; r.r15 = v[15];
        r.rip = v[16]; r.rflags = v[17];
        return r;
    }
}
