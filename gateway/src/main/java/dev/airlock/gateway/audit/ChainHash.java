package dev.airlock.gateway.audit;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 over a line's bytes (without its newline), as the lower-case hex the chain stores. */
final class ChainHash {
    /** The {@code prev} of the genesis record of a new chain. */
    static final String ZERO = "0".repeat(64);

    private static final HexFormat HEX = HexFormat.of();

    private ChainHash() {}

    static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }

    static String of(byte[] bytes, int offset, int length) {
        MessageDigest sha = newDigest();
        sha.update(bytes, offset, length);
        return HEX.formatHex(sha.digest());
    }

    static String of(byte[] line) {
        return of(line, 0, line.length);
    }

    static String hex(byte[] digest) {
        return HEX.formatHex(digest);
    }

    /** True when {@code s} looks like a hash this log writes: 64 lower-case hex digits. */
    static boolean isHash(String s) {
        if (s == null || s.length() != 64) {
            return false;
        }
        for (int i = 0; i < 64; i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }
}
