package dev.airlock.vmm.kvm;

import static dev.airlock.vmm.kvm.KvmStructs.offset;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.MemorySegment;

/** Converts {@link SpecialRegisters} to and from {@code struct kvm_sregs}. */
final class SregsCodec {

    private static final String[] SEGMENTS = {"cs", "ds", "es", "fs", "gs", "ss", "tr", "ldt"};
    private static final String[] CONTROL = {"cr0", "cr2", "cr3", "cr4", "cr8", "efer", "apic_base"};

    private SregsCodec() {}

    static SpecialRegisters read(MemorySegment s) {
        SpecialRegisters r = new SpecialRegisters();
        Segment[] segs = new Segment[SEGMENTS.length];
        for (int i = 0; i < SEGMENTS.length; i++) {
            segs[i] = readSegment(s, offset(KvmStructs.SREGS, SEGMENTS[i]));
        }
        r.cs = segs[0]; r.ds = segs[1]; r.es = segs[2]; r.fs = segs[3];
        r.gs = segs[4]; r.ss = segs[5]; r.tr = segs[6]; r.ldt = segs[7];
        r.gdt = readTable(s, offset(KvmStructs.SREGS, "gdt"));
        r.idt = readTable(s, offset(KvmStructs.SREGS, "idt"));
        long[] c = new long[CONTROL.length];
        for (int i = 0; i < CONTROL.length; i++) {
            c[i] = s.get(JAVA_LONG, offset(KvmStructs.SREGS, CONTROL[i]));
        }
        r.cr0 = c[0]; r.cr2 = c[1]; r.cr3 = c[2]; r.cr4 = c[3]; r.cr8 = c[4]; r.efer = c[5]; r.apicBase = c[6];
        long bitmap = offset(KvmStructs.SREGS, "interrupt_bitmap");
        for (int i = 0; i < 4; i++) {
            r.interruptBitmap[i] = s.get(JAVA_LONG, bitmap + 8L * i);
        }
        return r;
    }

    static void write(MemorySegment s, SpecialRegisters r) {
        Segment[] segs = {r.cs, r.ds, r.es, r.fs, r.gs, r.ss, r.tr, r.ldt};
        for (int i = 0; i < SEGMENTS.length; i++) {
            writeSegment(s, offset(KvmStructs.SREGS, SEGMENTS[i]), segs[i]);
        }
        writeTable(s, offset(KvmStructs.SREGS, "gdt"), r.gdt);
        writeTable(s, offset(KvmStructs.SREGS, "idt"), r.idt);
        long[] c = {r.cr0, r.cr2, r.cr3, r.cr4, r.cr8, r.efer, r.apicBase};
        for (int i = 0; i < CONTROL.length; i++) {
            s.set(JAVA_LONG, offset(KvmStructs.SREGS, CONTROL[i]), c[i]);
        }
        long bitmap = offset(KvmStructs.SREGS, "interrupt_bitmap");
        for (int i = 0; i < 4; i++) {
            s.set(JAVA_LONG, bitmap + 8L * i, r.interruptBitmap[i]);
        }
    }

    private static Segment readSegment(MemorySegment s, long at) {
        return new Segment(
                s.get(JAVA_LONG, at + offset(KvmStructs.SEGMENT, "base")),
                s.get(JAVA_INT, at + offset(KvmStructs.SEGMENT, "limit")),
                s.get(JAVA_SHORT, at + offset(KvmStructs.SEGMENT, "selector")) & 0xffff,
                u8(s, at, "type"), u8(s, at, "present") != 0, u8(s, at, "dpl"), u8(s, at, "db"),
                u8(s, at, "s"), u8(s, at, "l"), u8(s, at, "g"), u8(s, at, "avl"), u8(s, at, "unusable") != 0);
    }

    private static int u8(MemorySegment s, long at, String field) {
        return s.get(JAVA_BYTE, at + offset(KvmStructs.SEGMENT, field)) & 0xff;
    }

    private static void writeSegment(MemorySegment s, long at, Segment g) {
        s.set(JAVA_LONG, at + offset(KvmStructs.SEGMENT, "base"), g.base());
        s.set(JAVA_INT, at + offset(KvmStructs.SEGMENT, "limit"), g.limit());
        s.set(JAVA_SHORT, at + offset(KvmStructs.SEGMENT, "selector"), (short) g.selector());
        put(s, at, "type", g.type());
        put(s, at, "present", g.present() ? 1 : 0);
        put(s, at, "dpl", g.dpl());
        put(s, at, "db", g.db());
        put(s, at, "s", g.s());
        put(s, at, "l", g.l());
        put(s, at, "g", g.g());
        put(s, at, "avl", g.avl());
        put(s, at, "unusable", g.unusable() ? 1 : 0);
    }

    private static void put(MemorySegment s, long at, String field, int v) {
        s.set(JAVA_BYTE, at + offset(KvmStructs.SEGMENT, field), (byte) v);
    }

    private static DescriptorTable readTable(MemorySegment s, long at) {
        return new DescriptorTable(s.get(JAVA_LONG, at + offset(KvmStructs.DTABLE, "base")),
                s.get(JAVA_SHORT, at + offset(KvmStructs.DTABLE, "limit")) & 0xffff);
    }

    private static void writeTable(MemorySegment s, long at, DescriptorTable t) {
        s.set(JAVA_LONG, at + offset(KvmStructs.DTABLE, "base"), t.base());
        s.set(JAVA_SHORT, at + offset(KvmStructs.DTABLE, "limit"), (short) t.limit());
    }
}
