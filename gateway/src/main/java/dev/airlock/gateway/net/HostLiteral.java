package dev.airlock.gateway.net;

import java.net.IDN;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A destination host as written by a client (CONNECT target, {@code Host}, URL authority),
 * classified before anything else looks at it: a canonical IP literal, a DNS name, or
 * something refused.
 *
 * <p>Why so strict: resolvers accept IPv4 in forms such as {@code 2130706433},
 * {@code 0177.0.0.1}, {@code 0x7f.1} or {@code 127.1}. A policy written against
 * {@code 127.0.0.1} must not be bypassed by another spelling, so every numeric form except
 * canonical dotted decimal is refused outright rather than normalised.
 */
public sealed interface HostLiteral {

    /** A canonical IP literal; {@code text} is its canonical form (IPv6 without brackets). */
    record Ip(InetAddress address, String text) implements HostLiteral {}

    /** A DNS name in lower-case ASCII (IDNs converted to punycode), without a trailing dot. */
    record Name(String text) implements HostLiteral {}

    /** Not acceptable as a destination; {@code reason} says why, for the client and the audit log. */
    record Refused(String reason) implements HostLiteral {}

    Pattern DOTTED_DECIMAL = Pattern.compile("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
    /** Anything inet_aton might read as a number: digits, hex digits with 0x, dots. */
    Pattern NUMERIC_LOOKING = Pattern.compile("(?i)(0x[0-9a-f]*|[0-9]+)(\\.(0x[0-9a-f]*|[0-9]+))*\\.?");

    static HostLiteral parse(String raw) {
        if (raw == null || raw.isEmpty()) return new Refused("empty host");
        String s = raw;
        if (s.startsWith("[") && s.endsWith("]")) {
            return parseIpv6(s.substring(1, s.length() - 1), raw);
        }
        if (s.indexOf(':') >= 0) return parseIpv6(s, raw);
        // Every address form, inet_aton's odd ones included, starts with a digit; names mostly do not.
        if (!isDigit(s.charAt(0))) return parseName(s, raw);
        if (DOTTED_DECIMAL.matcher(s).matches()) {
            return new Ip(toAddress(s), s);
        }
        if (NUMERIC_LOOKING.matcher(s).matches()) {
            return new Refused("non-canonical IP address form '" + raw + "': write it as dotted decimal");
        }
        return parseName(s, raw);
    }

    private static HostLiteral parseIpv6(String s, String raw) {
        if (s.indexOf('%') >= 0) return new Refused("IPv6 zone identifiers are not allowed: '" + raw + "'");
        if (s.isEmpty() || s.length() > 45 || !onlyChars(s, "0123456789abcdefABCDEF:.")) {
            return new Refused("invalid IPv6 address '" + raw + "'");
        }
        try {
            InetAddress a = InetAddress.getByName("[" + s + "]");
            if (a instanceof Inet6Address) return new Ip(a, format(a));
            // Java folds ::ffff:a.b.c.d into an Inet4Address; keep it as the IPv6 form the client wrote.
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xFF;
            mapped[11] = (byte) 0xFF;
            System.arraycopy(a.getAddress(), 0, mapped, 12, 4);
            InetAddress v6 = Inet6Address.getByAddress(null, mapped, (java.net.NetworkInterface) null);
            return new Ip(v6, "::ffff:" + a.getHostAddress());
        } catch (UnknownHostException e) {
            return new Refused("invalid IPv6 address '" + raw + "'");
        }
    }

    private static HostLiteral parseName(String s, String raw) {
        String name = s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
        if (!isAscii(name)) {
            try {
                name = IDN.toASCII(name, IDN.ALLOW_UNASSIGNED);
            } catch (IllegalArgumentException e) {
                return new Refused("invalid host name '" + raw + "'");
            }
        }
        name = name.toLowerCase(Locale.ROOT);
        if (name.isEmpty() || name.length() > 253) return new Refused("invalid host name '" + raw + "'");
        // Labels: 1-63 of [a-z0-9_-], not starting or ending with '-'.
        int labelStart = 0;
        boolean lastLabelNumeric = true;
        for (int i = 0; i <= name.length(); i++) {
            char c = i < name.length() ? name.charAt(i) : '.';
            if (c == '.') {
                int len = i - labelStart;
                if (len == 0 || len > 63 || name.charAt(labelStart) == '-' || name.charAt(i - 1) == '-') {
                    return new Refused("invalid host name '" + raw + "'");
                }
                if (i < name.length()) lastLabelNumeric = true;
                labelStart = i + 1;
            } else if (isDigit(c)) {
                // stays numeric
            } else if (c >= 'a' && c <= 'z' || c == '_' || c == '-') {
                lastLabelNumeric = false;
            } else {
                return new Refused("invalid host name '" + raw + "'");
            }
        }
        // A name whose last label is numeric would be read as an address by some resolvers.
        if (lastLabelNumeric) {
            return new Refused("invalid host name '" + raw + "': the last label is numeric");
        }
        return new Name(name);
    }

    private static boolean onlyChars(String s, String allowed) {
        for (int i = 0; i < s.length(); i++) if (allowed.indexOf(s.charAt(i)) < 0) return false;
        return true;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) >= 0x80) return false;
        return true;
    }

    private static InetAddress toAddress(String dottedDecimal) {
        String[] parts = dottedDecimal.split("\\.");
        byte[] b = new byte[4];
        for (int i = 0; i < 4; i++) b[i] = (byte) Integer.parseInt(parts[i]);
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** Canonical text of an address: dotted decimal, or RFC 5952 IPv6 (compressed, lower case). */
    static String format(InetAddress a) {
        if (!(a instanceof Inet6Address)) return a.getHostAddress();
        byte[] b = a.getAddress();
        int[] w = new int[8];
        for (int i = 0; i < 8; i++) w[i] = ((b[2 * i] & 0xFF) << 8) | (b[2 * i + 1] & 0xFF);
        int bestStart = -1, bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (w[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && w[j] == 0) j++;
            if (j - i > bestLen && j - i >= 2) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') sb.append(':');
            sb.append(Integer.toHexString(w[i]));
        }
        return sb.toString();
    }
}
