package dev.airlock.secrets.redact;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The byte strings a secret value can appear as in a response, each redacted on sight:
 *
 * <ul>
 *   <li>raw;
 *   <li>base64, standard and URL-safe alphabets: the whole encoding (padded and unpadded), and
 *       for each of the three alignments the value can have inside a longer base64 stream (it
 *       starts at byte offset 0, 1 or 2 of a 3-byte group) the run of characters that depend
 *       only on the value's bytes — which is what e.g. {@code Basic base64(user:secret)} or a
 *       base64 JSON blob carries;
 *   <li>percent-encoded as RFC 3986 (unreserved kept), RFC 3986 keeping {@code /} (Python's
 *       {@code quote}), HTML forms ({@code +} for space; Java's URLEncoder), Python's
 *       {@code quote_plus} and JavaScript's {@code encodeURIComponent}, each with upper- and
 *       lower-case hex;
 *   <li>JSON string escapes as common encoders write them: minimal ({@code \"}, {@code \\},
 *       {@code \n}..., {@code \}{@code u00XX} for other controls), with {@code \/} (PHP), with non-ASCII
 *       as {@code \}{@code uXXXX} (Python's ensure_ascii; lower and upper hex), and with
 *       {@code <>&} and U+2028/9 escaped (Go).
 * </ul>
 * Variants equal to another are dropped. Not covered (documented in docs/secrets.md): mixed
 * hex case within one value, nested encodings (base64 of percent-encoded...), compression.
 */
public final class SecretEncodings {
    private SecretEncodings() {}

    /** Every distinct encoded form of {@code value}, labelled (e.g. "raw", "base64-url+1") for diagnostics. */
    public static Map<String, byte[]> variants(byte[] value) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        add(out, "raw", value);
        addBase64(out, "base64", Base64.getEncoder(), value);
        addBase64(out, "base64url", Base64.getUrlEncoder(), value);
        for (boolean upper : new boolean[] {true, false}) {
            String hexCase = upper ? "-upper" : "-lower";
            add(out, "percent-rfc3986" + hexCase, percent(value, upper, "-._~", false));
            add(out, "percent-path" + hexCase, percent(value, upper, "-._~/", false));
            add(out, "percent-form" + hexCase, percent(value, upper, "-._*", true));
            add(out, "percent-quote-plus" + hexCase, percent(value, upper, "-._~", true));
            add(out, "percent-uri-component" + hexCase, percent(value, upper, "-_.!~*'()", false));
        }
        String text = new String(value, StandardCharsets.UTF_8);
        // Only values that are valid UTF-8 can appear JSON-escaped as text.
        if (Arrays.equals(text.getBytes(StandardCharsets.UTF_8), value)) {
            add(out, "json", json(text, false, false, false, false));
            add(out, "json-slash", json(text, true, false, false, false));
            add(out, "json-ascii-lower", json(text, false, true, false, false));
            add(out, "json-ascii-upper", json(text, false, true, true, false));
            add(out, "json-slash-ascii", json(text, true, true, false, false));
            add(out, "json-html-safe", json(text, false, false, false, true));
        }
        return out;
    }

    private static void add(Map<String, byte[]> out, String label, byte[] pattern) {
        for (byte[] existing : out.values()) {
            if (Arrays.equals(existing, pattern)) {
                return;
            }
        }
        if (pattern.length > 0) {
            out.put(label, pattern);
        }
    }

    private static void add(Map<String, byte[]> out, String label, String pattern) {
        add(out, label, pattern.getBytes(StandardCharsets.UTF_8));
    }

    private static void addBase64(Map<String, byte[]> out, String label, Base64.Encoder encoder, byte[] value) {
        add(out, label, encoder.encode(value));
        add(out, label + "-unpadded", encoder.withoutPadding().encode(value));
        for (int offset = 0; offset < 3; offset++) {
            add(out, label + "+" + offset, base64Core(encoder, value, offset));
        }
    }

    /**
     * The base64 characters fully determined by {@code value} when it starts {@code offset}
     * bytes into a 3-byte group of a longer stream: character i covers stream bits
     * [6i, 6i+6), the value covers [8·offset, 8·(offset+n)).
     */
    static byte[] base64Core(Base64.Encoder encoder, byte[] value, int offset) {
        byte[] shifted = new byte[offset + value.length];
        System.arraycopy(value, 0, shifted, offset, value.length);
        byte[] encoded = encoder.withoutPadding().encode(shifted);
        int first = (8 * offset + 5) / 6;
        int end = (8 * (offset + value.length)) / 6;
        return end <= first ? new byte[0] : Arrays.copyOfRange(encoded, first, end);
    }

    private static byte[] percent(byte[] value, boolean upper, String keep, boolean plusForSpace) {
        HexFormat hex = upper ? HexFormat.of().withUpperCase() : HexFormat.of();
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length * 3);
        for (byte b : value) {
            int c = b & 0xFF;
            boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (alnum || (c < 0x80 && keep.indexOf(c) >= 0)) {
                out.write(c);
            } else if (c == ' ' && plusForSpace) {
                out.write('+');
            } else {
                out.write('%');
                out.writeBytes(hex.toHexDigits((byte) c).getBytes(StandardCharsets.US_ASCII));
            }
        }
        return out.toByteArray();
    }

    private static String json(String text, boolean escapeSlash, boolean asciiOnly, boolean upperHex, boolean htmlSafe) {
        StringBuilder b = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                case '/' -> b.append(escapeSlash ? "\\/" : "/");
                default -> {
                    boolean escape = c < 0x20 || (asciiOnly && c > 0x7E)
                            || (htmlSafe && (c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029'));
                    if (escape) {
                        String h = HexFormat.of().toHexDigits(c);
                        b.append("\\u").append(upperHex ? h.toUpperCase(java.util.Locale.ROOT) : h);
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.toString();
    }

    /** The patterns only, for callers that do not need the labels. */
    public static List<byte[]> patterns(byte[] value) {
        return new ArrayList<>(variants(value).values());
    }
}
