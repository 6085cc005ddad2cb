package dev.airlock.secrets.host;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.net.IDN;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/** The rules behind {@link HostName#parseOrThrow}; see there for why they are strict. */
final class HostNameParser {
    private static final Pattern DOTTED_QUAD = Pattern.compile("(?:(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");
    private static final Pattern LABEL = Pattern.compile("[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?");
    private static final Pattern NUMERIC_LABEL = Pattern.compile("(?:[0-9]+|0x[0-9a-f]*)");

    /**
     * Every request with a placeholder checks its host against each secret's scope, and a
     * flow sends the same host again and again: parsing it each time cost a few percent of a
     * proxied request. Results (refusals included) are immutable, so a bounded memo is safe.
     */
    private static final Cache<String, Optional<HostName>> WIRE_NAMES = Caffeine.newBuilder().maximumSize(4096).build();

    private HostNameParser() {}

    /** {@link HostName#parse}: ASCII only, a refusal is empty. */
    static Optional<HostName> parseWire(String raw) {
        if (raw == null) return Optional.empty();
        return WIRE_NAMES.get(raw, r -> {
            try {
                return Optional.of(parse(r, false));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        });
    }

    static HostName parse(String raw, boolean allowUnicode) {
        if (raw == null || raw.isEmpty()) {
            throw new IllegalArgumentException("empty host");
        }
        String s = raw;
        if (s.startsWith("[") && s.endsWith("]")) {
            return ipv6(s.substring(1, s.length() - 1), raw);
        }
        if (s.indexOf(':') >= 0) {
            return ipv6(s, raw);
        }
        if (DOTTED_QUAD.matcher(s).matches()) {
            return new HostName.Ip(Inet4Address.ofLiteral(s));
        }
        return new HostName.Dns(dnsName(s, allowUnicode));
    }

    private static HostName ipv6(String literal, String raw) {
        if (literal.indexOf('%') >= 0) {
            throw new IllegalArgumentException("IPv6 zone ids are not accepted: " + raw);
        }
        try {
            return new HostName.Ip(Inet6Address.ofLiteral(literal));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a valid IPv6 address: " + raw);
        }
    }

    private static String dnsName(String s, boolean allowUnicode) {
        boolean ascii = s.chars().allMatch(c -> c < 0x80);
        if (!ascii) {
            if (!allowUnicode) {
                throw new IllegalArgumentException("host must be in ASCII (xn--) form: " + s);
            }
            // IDNA2003 (java.net.IDN) and IDNA2008 map these few characters differently; a
            // mismatch would make us compare a different name than a client dials.
            if (s.chars().anyMatch(c -> c == 0x00DF || c == 0x03C2 || c == 0x200C || c == 0x200D)) {
                throw new IllegalArgumentException("contains a character (ß, ς, ZWJ or ZWNJ) that IDNA2003 and IDNA2008 convert differently; write the xn-- form instead: " + s);
            }
            try {
                s = IDN.toASCII(s, IDN.USE_STD3_ASCII_RULES);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("not a valid internationalized domain name: " + s);
            }
        }
        String name = s.toLowerCase(Locale.ROOT);
        // One trailing dot is the DNS root: "api.example.com." is the same host as "api.example.com".
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        if (name.isEmpty() || name.length() > HostName.MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("host name is empty or longer than " + HostName.MAX_NAME_LENGTH + " characters");
        }
        String[] labels = name.split("\\.", -1);
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                throw new IllegalArgumentException("not a valid host name: " + s
                        + (label.isEmpty() ? " (empty label)" : " (bad label '" + label + "')"));
            }
        }
        if (NUMERIC_LABEL.matcher(labels[labels.length - 1]).matches()) {
            throw new IllegalArgumentException("host name ends in a numeric label, which resolvers read as an IPv4 address: " + s);
        }
        return name;
    }
}
