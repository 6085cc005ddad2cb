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
    Pattern LABEL = Pattern.compile("[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?");

    static HostLiteral parse(String raw) {
        if (raw == null || raw.isEmpty()) return new Refused("empty host");
        String s = raw;
        if (s.startsWith("[") && s.endsWith("]")) {
            return parseIpv6(s.substring(1, s.length() - 1), raw);
        }
        if (s.indexOf(':') >= 0) return parseIpv6(s, raw);
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
        if (!s.matches("[0-9A-Fa-f:.]+") || s.length() > 45) return new Refused("invalid IPv6 address '" + raw + "'");
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
        try {
            name = IDN.toASCII(name, IDN.ALLOW_UNASSIGNED).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return new Refused("invalid host name '" + raw + "'");
        }
        if (name.isEmpty() || name.length() > 253) return new Refused("invalid host name '" + raw + "'");
        String[] labels = name.split("\\.", -1);
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) return new Refused("invalid host name '" + raw + "'");
        }
        // A name whose last label is numeric would be read as an address by some resolvers.
        if (labels[labels.length - 1].matches("[0-9]+")) {
            return new Refused("invalid host name '" + raw + "': the last label is numeric");
        }
        return new Name(name);
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
