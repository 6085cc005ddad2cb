package dev.airlock.vmm.kvm;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemorySegment;

/** Reads and writes {@code struct kvm_cpuid_entry2}. */
final class CpuidCodec {

    private static final long FUNCTION = KvmStructs.offset(KvmStructs.CPUID_ENTRY2, "function");
    private static final long INDEX = KvmStructs.offset(KvmStructs.CPUID_ENTRY2, "index");
    private static final long FLAGS = KvmStructs.offset(KvmStructs.CPUID_ENTRY2, "flags");
    private static final long EAX = KvmStructs.offset(KvmStructs.CPUID_ENTRY2, "eax");
    private static final long EBX = KvmStructs.offset(KvmStructs.CPUID_ENTRY2, "ebx");
    private static final long ECX = KvmStructs.offset(KvmStructs.CPUID_ENTRY2, "ecx");
    private static final long EDX = KvmStructs.offset(KvmStructs.CPUID_ENTRY2, "edx");

    private CpuidCodec() {}

    static CpuidEntry read(MemorySegment s, long at) {
        return new CpuidEntry(s.get(JAVA_INT, at + FUNCTION), s.get(JAVA_INT, at + INDEX), s.get(JAVA_INT, at + FLAGS),
                s.get(JAVA_INT, at + EAX), s.get(JAVA_INT, at + EBX), s.get(JAVA_INT, at + ECX), s.get(JAVA_INT, at + EDX));
    }

    static void write(MemorySegment s, long at, CpuidEntry e) {
        s.set(JAVA_INT, at + FUNCTION, e.function());
        s.set(JAVA_INT, at + INDEX, e.index());
        s.set(JAVA_INT, at + FLAGS, e.flags());
        s.set(JAVA_INT, at + EAX, e.eax());
        s.set(JAVA_INT, at + EBX, e.ebx());
        s.set(JAVA_INT, at + ECX, e.ecx());
        s.set(JAVA_INT, at + EDX, e.edx());
    }
}
