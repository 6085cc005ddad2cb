package dev.airlock.policy.builtins;

import java.nio.charset.StandardCharsets;

/** Byte/string conversions with Go's rules: invalid UTF-8 decodes to one U+FFFD per bad byte. */
final class GoStrings {
    private GoStrings() {}

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Decodes UTF-8 as Go's {@code for range} over a string does. */
    static String fromBytes(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length);
        int i = 0;
        while (i < b.length) {
            int c = b[i] & 0xff;
            if (c < 0x80) {
                sb.append((char) c);
                i++;
                continue;
            }
            int need;
            int min;
            int cp;
            if (c >= 0xC2 && c <= 0xDF) {
                need = 1;
                cp = c & 0x1F;
                min = 0x80;
            } else if (c >= 0xE0 && c <= 0xEF) {
                need = 2;
                cp = c & 0x0F;
                min = 0x800;
            } else if (c >= 0xF0 && c <= 0xF4) {
                need = 3;
                cp = c & 0x07;
                min = 0x10000;
            } else {
                sb.append('\uFFFD');
                i++;
                continue;
            }
            boolean ok = i + need < b.length;
            if (ok) {
                for (int k = 1; k <= need; k++) {
                    if ((b[i + k] & 0xC0) != 0x80) {
                        ok = false;
                        break;
                    }
                    cp = (cp << 6) | (b[i + k] & 0x3F);
                }
            }
            if (!ok || cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
                sb.append('\uFFFD');
                i++;
                continue;
            }
            sb.appendCodePoint(cp);
            i += need + 1;
        }
        return sb.toString();
    }
}
