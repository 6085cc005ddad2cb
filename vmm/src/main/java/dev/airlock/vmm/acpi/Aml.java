package dev.airlock.vmm.acpi;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A small builder for ACPI Machine Language (ACPI 6.5, chapter 20): just the terms a static
 * DSDT needs to describe devices — Scope, Device, Name, integers, strings, EISA ids and
 * resource templates (chapter 6.4). Every method returns the encoded bytes of one term, so
 * terms nest by passing them to their parent.
 */
public final class Aml {

    static final int ZERO_OP = 0x00;
    static final int ONE_OP = 0x01;
    static final int NAME_OP = 0x08;
    static final int BYTE_PREFIX = 0x0a;
    static final int WORD_PREFIX = 0x0b;
    static final int DWORD_PREFIX = 0x0c;
    static final int STRING_PREFIX = 0x0d;
    static final int QWORD_PREFIX = 0x0e;
    static final int SCOPE_OP = 0x10;
    static final int BUFFER_OP = 0x11;
    static final int EXT_OP_PREFIX = 0x5b;
    static final int DEVICE_OP = 0x82;
    static final int ROOT_CHAR = 0x5c;
    static final int DUAL_NAME_PREFIX = 0x2e;
    static final int MULTI_NAME_PREFIX = 0x2f;

    private Aml() {}

    /** Scope(name) { terms } */
    public static byte[] scope(String name, byte[]... terms) {
        return concat(new byte[] {SCOPE_OP}, pkg(concat(nameString(name), concat(terms))));
    }

    /** Device(name) { terms } */
    public static byte[] device(String name, byte[]... terms) {
        return concat(new byte[] {EXT_OP_PREFIX, (byte) DEVICE_OP}, pkg(concat(nameString(name), concat(terms))));
    }

    /** Name(name, value) */
    public static byte[] name(String name, byte[] value) {
        return concat(new byte[] {NAME_OP}, nameString(name), value);
    }

    /** The shortest integer encoding of {@code v} (ZeroOp, OneOp, Byte/Word/DWord/QWord prefix). */
    public static byte[] integer(long v) {
        if (v == 0) {
            return new byte[] {ZERO_OP};
        }
        if (v == 1) {
            return new byte[] {ONE_OP};
        }
        if (v >= 0 && v <= 0xff) {
            return new byte[] {BYTE_PREFIX, (byte) v};
        }
        if (v >= 0 && v <= 0xffff) {
            return concat(new byte[] {WORD_PREFIX}, le(v, 2));
        }
        if (v >= 0 && v <= 0xffff_ffffL) {
            return concat(new byte[] {DWORD_PREFIX}, le(v, 4));
        }
        return concat(new byte[] {QWORD_PREFIX}, le(v, 8));
    }

    /** A string constant (ASCII, NUL-terminated). */
    public static byte[] string(String s) {
        for (char c : s.toCharArray()) {
            if (c < 1 || c > 0x7f) {
                throw new IllegalArgumentException("AML strings are 7-bit ASCII without NUL: " + s);
            }
        }
        return concat(new byte[] {STRING_PREFIX}, s.getBytes(StandardCharsets.US_ASCII), new byte[] {0});
    }

    /**
     * EISAID("PNP0501"): three letters packed 5 bits each and four hex digits, stored as a
     * 32-bit integer whose bytes are the big-endian id.
     */
    public static byte[] eisaId(String id) {
        return integer(Integer.toUnsignedLong(eisaIdValue(id)));
    }

    static int eisaIdValue(String id) {
        if (id.length() != 7) {
            throw new IllegalArgumentException("an EISA id is 3 letters and 4 hex digits: " + id);
        }
        int v = (id.charAt(0) - 0x40) << 26 | (id.charAt(1) - 0x40) << 21 | (id.charAt(2) - 0x40) << 16
                | Integer.parseInt(id.substring(3), 16);
        return Integer.reverseBytes(v);
    }

    /** Buffer() { bytes } */
    public static byte[] buffer(byte[] bytes) {
        return concat(new byte[] {BUFFER_OP}, pkg(concat(integer(bytes.length), bytes)));
    }

    /** ResourceTemplate() { descriptors } : a buffer ending in an End Tag with checksum 0. */
    public static byte[] resourceTemplate(byte[]... descriptors) {
        return buffer(concat(concat(descriptors), new byte[] {0x79, 0}));
    }

    /** IO(Decode16, min, max, alignment, length): small descriptor 0x47. */
    public static byte[] io(int min, int max, int alignment, int length) {
        return concat(new byte[] {0x47, 0x01}, le(min, 2), le(max, 2), new byte[] {(byte) alignment, (byte) length});
    }

    /** IRQNoFlags() { irq }: small descriptor 0x22 with a 16-bit mask. */
    public static byte[] irqNoFlags(int irq) {
        return concat(new byte[] {0x22}, le(1L << irq, 2));
    }

    /** Memory32Fixed(ReadWrite|ReadOnly, base, length): large descriptor 0x86. */
    public static byte[] memory32Fixed(boolean readWrite, long base, long length) {
        return concat(new byte[] {(byte) 0x86}, le(9, 2), new byte[] {(byte) (readWrite ? 1 : 0)}, le(base, 4), le(length, 4));
    }

    /**
     * Interrupt(ResourceConsumer, Edge|Level, ActiveHigh|ActiveLow, Exclusive|Shared) { irqs }:
     * extended interrupt descriptor 0x89.
     */
    public static byte[] interrupt(boolean edge, boolean activeLow, boolean shared, int... irqs) {
        int flags = 0x01 | (edge ? 0x02 : 0) | (activeLow ? 0x04 : 0) | (shared ? 0x08 : 0);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(0x89);
        b.writeBytes(le(2 + 4L * irqs.length, 2));
        b.write(flags);
        b.write(irqs.length);
        for (int irq : irqs) {
            b.writeBytes(le(irq, 4));
        }
        return b.toByteArray();
    }

    /**
     * A NameString: optional leading {@code \} for the root, then dot-separated segments of up
     * to four characters (padded with '_').
     */
    static byte[] nameString(String path) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        String rest = path;
        if (rest.startsWith("\\")) {
            b.write(ROOT_CHAR);
            rest = rest.substring(1);
        }
        String[] segs = rest.isEmpty() ? new String[0] : rest.split("\\.");
        if (segs.length == 2) {
            b.write(DUAL_NAME_PREFIX);
        } else if (segs.length > 2) {
            b.write(MULTI_NAME_PREFIX);
            b.write(segs.length);
        } else if (segs.length == 0) {
            b.write(0); // NullName
        }
        for (String s : segs) {
            b.writeBytes(nameSeg(s));
        }
        return b.toByteArray();
    }

    private static byte[] nameSeg(String s) {
        if (s.isEmpty() || s.length() > 4 || !s.matches("[A-Z_][A-Z0-9_]*")) {
            throw new IllegalArgumentException("bad AML name segment: " + s);
        }
        return (s + "___".substring(0, 4 - s.length())).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Prefixes {@code body} with its PkgLength (ACPI 20.2.4): the length counts the PkgLength
     * bytes themselves; one byte holds up to 63, otherwise the lead byte's top two bits give the
     * number of following bytes and its low nibble the lowest four bits.
     */
    static byte[] pkg(byte[] body) {
        int n = body.length;
        for (int extra = 0; extra <= 3; extra++) {
            int total = n + 1 + extra;
            byte[] head;
            if (extra == 0) {
                if (total > 0x3f) {
                    continue;
                }
                head = new byte[] {(byte) total};
            } else {
                if (total >= 1 << (4 + 8 * extra)) {
                    continue;
                }
                head = new byte[1 + extra];
                head[0] = (byte) (extra << 6 | (total & 0xf));
                for (int i = 1; i <= extra; i++) {
                    head[i] = (byte) (total >> (4 + 8 * (i - 1)));
                }
            }
            return concat(head, body);
        }
        throw new IllegalArgumentException("AML package too large: " + n + " bytes");
    }

    static byte[] le(long v, int bytes) {
        byte[] b = new byte[bytes];
        for (int i = 0; i < bytes; i++) {
            b[i] = (byte) (v >>> (8 * i));
        }
        return b;
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }
}
