package dev.airlock.vmm.acpi;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A test-side AML reader for the subset the DSDT uses, written from the ACPI grammar (not from
 * {@link Aml}), so tests can check the builder's output by decoding it back.
 */
final class AmlDecoder {

    sealed interface Node permits Scope, Device, Name {}

    record Scope(String name, List<Node> children) implements Node {}

    record Device(String name, List<Node> children) implements Node {}

    record Name(String name, Object value) implements Node {}

    /** A Buffer object's bytes. */
    record Buffer(byte[] bytes) {}

    private final byte[] a;
    private int p;

    private AmlDecoder(byte[] a) {
        this.a = a;
    }

    static List<Node> decode(byte[] aml) {
        AmlDecoder d = new AmlDecoder(aml);
        List<Node> out = d.terms(aml.length);
        if (d.p != aml.length) {
            throw new IllegalStateException("trailing bytes at " + d.p);
        }
        return out;
    }

    private int u8() {
        return a[p++] & 0xff;
    }

    private List<Node> terms(int end) {
        List<Node> out = new ArrayList<>();
        while (p < end) {
            int op = u8();
            if (op == 0x10) {
                int e = pkgEnd();
                String n = nameString();
                out.add(new Scope(n, terms(e)));
            } else if (op == 0x5b && (a[p] & 0xff) == 0x82) {
                p++;
                int e = pkgEnd();
                String n = nameString();
                out.add(new Device(n, terms(e)));
            } else if (op == 0x08) {
                String n = nameString();
                out.add(new Name(n, dataObject()));
            } else {
                throw new IllegalStateException("unexpected opcode 0x" + Integer.toHexString(op) + " at " + (p - 1));
            }
        }
        if (p != end) {
            throw new IllegalStateException("package overran its length: at " + p + ", end " + end);
        }
        return out;
    }

    /** Reads a PkgLength and returns the absolute end offset of the package. */
    private int pkgEnd() {
        int start = p;
        int lead = u8();
        int follow = lead >> 6;
        int len;
        if (follow == 0) {
            len = lead & 0x3f;
        } else {
            len = lead & 0x0f;
            for (int i = 0; i < follow; i++) {
                len |= u8() << (4 + 8 * i);
            }
        }
        return start + len;
    }

    private String nameString() {
        StringBuilder s = new StringBuilder();
        if ((a[p] & 0xff) == 0x5c) {
            s.append('\\');
            p++;
        }
        int count = 1;
        if ((a[p] & 0xff) == 0x2e) {
            p++;
            count = 2;
        } else if ((a[p] & 0xff) == 0x2f) {
            p++;
            count = u8();
        } else if (a[p] == 0) {
            p++;
            return s.toString();
        }
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                s.append('.');
            }
            s.append(new String(a, p, 4, StandardCharsets.US_ASCII));
            p += 4;
        }
        return s.toString();
    }

    private Object dataObject() {
        int op = u8();
        return switch (op) {
            case 0x00 -> 0L;
            case 0x01 -> 1L;
            case 0xff -> -1L;
            case 0x0a -> (long) u8();
            case 0x0b -> le(2);
            case 0x0c -> le(4);
            case 0x0e -> le(8);
            case 0x0d -> {
                int start = p;
                while (a[p] != 0) {
                    p++;
                }
                String s = new String(a, start, p - start, StandardCharsets.US_ASCII);
                p++;
                yield s;
            }
            case 0x11 -> {
                int end = pkgEnd();
                long size = (Long) dataObject();
                byte[] bytes = java.util.Arrays.copyOfRange(a, p, end);
                if (bytes.length != size) {
                    throw new IllegalStateException("buffer size " + size + " but " + bytes.length + " bytes");
                }
                p = end;
                yield new Buffer(bytes);
            }
            default -> throw new IllegalStateException("unexpected data object 0x" + Integer.toHexString(op));
        };
    }

    private long le(int n) {
        long v = 0;
        for (int i = 0; i < n; i++) {
            v |= (long) u8() << (8 * i);
        }
        return v;
    }

    /** Decodes an EISA id integer back to its 7-character form. */
    static String eisaId(long value) {
        int v = Integer.reverseBytes((int) value);
        return "" + (char) ((v >> 26 & 0x1f) + 0x40) + (char) ((v >> 21 & 0x1f) + 0x40) + (char) ((v >> 16 & 0x1f) + 0x40)
                + String.format("%04X", v & 0xffff);
    }

    /** One resource descriptor: its item name and raw body. */
    record Resource(int type, byte[] body) {}

    /** Splits a resource template buffer into descriptors (ACPI 6.4), ending at the End Tag. */
    static List<Resource> resources(byte[] buf) {
        List<Resource> out = new ArrayList<>();
        int i = 0;
        while (i < buf.length) {
            int b = buf[i] & 0xff;
            if ((b & 0x80) == 0) {
                int tag = b >> 3 & 0xf;
                int len = b & 7;
                out.add(new Resource(tag, java.util.Arrays.copyOfRange(buf, i + 1, i + 1 + len)));
                i += 1 + len;
                if (tag == 0xf) {
                    break;
                }
            } else {
                int len = (buf[i + 1] & 0xff) | (buf[i + 2] & 0xff) << 8;
                out.add(new Resource(b, java.util.Arrays.copyOfRange(buf, i + 3, i + 3 + len)));
                i += 3 + len;
            }
        }
        if (i != buf.length) {
            throw new IllegalStateException("bytes after the End Tag");
        }
        return out;
    }
}
