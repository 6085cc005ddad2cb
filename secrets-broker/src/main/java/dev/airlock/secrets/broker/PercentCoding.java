package dev.airlock.secrets.broker;

/** Percent-encoding for values spliced into a path or query, and lenient decoding for detection. */
final class PercentCoding {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private PercentCoding() {}

    /**
     * Encodes every byte except RFC 3986 unreserved characters, so a value containing
     * {@code &}, {@code =}, {@code /} or {@code #} cannot change the URL's structure.
     * Input chars are bytes (ISO-8859-1 view).
     */
    static String encode(String bytes) {
        StringBuilder b = new StringBuilder(bytes.length() * 3);
        for (int i = 0; i < bytes.length(); i++) {
            char c = bytes.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~') {
                b.append(c);
            } else {
                b.append('%').append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
            }
        }
        return b.toString();
    }

    /** Decodes {@code %XX} (either case) and {@code +}; malformed escapes are kept as they are. */
    static String decodeLenient(String text) {
        StringBuilder b = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '%' && i + 2 < text.length()) {
                int hi = Character.digit(text.charAt(i + 1), 16);
                int lo = Character.digit(text.charAt(i + 2), 16);
                if (hi >= 0 && lo >= 0) {
                    b.append((char) (hi * 16 + lo));
                    i += 2;
                    continue;
                }
            }
            b.append(c == '+' ? ' ' : c);
        }
        return b.toString();
    }
}
