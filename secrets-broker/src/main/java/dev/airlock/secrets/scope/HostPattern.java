package dev.airlock.secrets.scope;

import dev.airlock.secrets.host.HostName;
import java.util.OptionalInt;

/**
 * One entry of a secret's {@code hosts}: which host (and port) the secret may be sent to.
 *
 * <ul>
 *   <li>{@code api.example.com} — exactly that name;
 *   <li>{@code *.example.com} — exactly one more label ({@code a.example.com}, not
 *       {@code a.b.example.com}, not {@code example.com}), the same rule as a TLS wildcard
 *       certificate, so a reviewer's intuition carries over;
 *   <li>{@code **.example.com} — one or more labels, for the rare API that needs it;
 *   <li>{@code 10.0.0.7}, {@code [2001:db8::7]} — an IP literal (no wildcards).
 * </ul>
 * Each may end in {@code :PORT} or {@code :*}; without a port the pattern matches only the
 * default port of the request's scheme (443 for https), so a secret scoped to a host is not
 * sent to some other service on another port of it.
 *
 * <p>Names are compared in lower-case A-label (xn--) form; a trailing dot is ignored. A
 * wildcard needs at least two labels after it ({@code *.com} is refused).
 */
public final class HostPattern {
    /** The port part of a pattern: absent (scheme default), a number, or any. */
    private static final int DEFAULT_PORT = -1;
    private static final int ANY_PORT = -2;

    private enum Kind { EXACT, ONE_LABEL, ANY_LABELS }

    private final String text;
    private final Kind kind;
    private final HostName host;   // EXACT: the host; wildcards: the suffix after "*."
    private final int port;

    private HostPattern(String text, Kind kind, HostName host, int port) {
        this.text = text;
        this.kind = kind;
        this.host = host;
        this.port = port;
    }

    /** Parses a pattern from the secrets file; the exception message says what is wrong. */
    public static HostPattern parse(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("empty host pattern");
        }
        String hostPart = text;
        int port = DEFAULT_PORT;
        int colon = portSeparator(text);
        if (colon >= 0) {
            hostPart = text.substring(0, colon);
            port = parsePort(text.substring(colon + 1), text);
        }
        Kind kind = Kind.EXACT;
        String nameText = hostPart;
        if (hostPart.startsWith("**.")) {
            kind = Kind.ANY_LABELS;
            nameText = hostPart.substring(3);
        } else if (hostPart.startsWith("*.")) {
            kind = Kind.ONE_LABEL;
            nameText = hostPart.substring(2);
        }
        if (nameText.contains("*")) {
            throw new IllegalArgumentException("'" + text + "': a wildcard may only be the whole leftmost label ('*.example.com' or '**.example.com')");
        }
        HostName name;
        try {
            name = HostName.parseOrThrow(nameText, true);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + text + "': " + e.getMessage());
        }
        if (kind != Kind.EXACT) {
            if (!(name instanceof HostName.Dns)) {
                throw new IllegalArgumentException("'" + text + "': wildcards apply to DNS names, not IP addresses");
            }
            if (!name.text().contains(".")) {
                throw new IllegalArgumentException("'" + text + "': a wildcard needs at least two labels after it (e.g. '*.example.com'), or it covers a whole top-level domain");
            }
        }
        return new HostPattern(text, kind, name, port);
    }

    /** Index of the ':' that starts a port, or -1. IPv6 literals must be bracketed to carry one. */
    private static int portSeparator(String text) {
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("'" + text + "': missing ']' after the IPv6 address");
            }
            if (close == text.length() - 1) {
                return -1;
            }
            if (text.charAt(close + 1) != ':') {
                throw new IllegalArgumentException("'" + text + "': expected ':PORT' after ']'");
            }
            return close + 1;
        }
        int first = text.indexOf(':');
        if (first >= 0 && text.indexOf(':', first + 1) >= 0) {
            return -1; // a bare IPv6 literal; HostName parses it
        }
        return first;
    }

    private static int parsePort(String text, String pattern) {
        if (text.equals("*")) {
            return ANY_PORT;
        }
        if (!text.matches("[0-9]{1,5}")) {
            throw new IllegalArgumentException("'" + pattern + "': the port must be a number from 1 to 65535 or '*'");
        }
        int port = Integer.parseInt(text);
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("'" + pattern + "': the port must be a number from 1 to 65535 or '*'");
        }
        return port;
    }

    /** Whether the host part matches (ports aside). */
    public boolean matchesHost(HostName candidate) {
        return switch (kind) {
            case EXACT -> sameHost(candidate);
            case ONE_LABEL, ANY_LABELS -> {
                if (!(candidate instanceof HostName.Dns dns)) {
                    yield false;
                }
                String suffix = "." + host.text();
                String name = dns.text();
                if (!name.endsWith(suffix) || name.length() == suffix.length()) {
                    yield false;
                }
                String prefix = name.substring(0, name.length() - suffix.length());
                yield kind == Kind.ANY_LABELS || prefix.indexOf('.') < 0;
            }
        };
    }

    private boolean sameHost(HostName candidate) {
        return switch (host) {
            case HostName.Dns dns -> candidate instanceof HostName.Dns other && other.text().equals(dns.text());
            case HostName.Ip ip -> candidate instanceof HostName.Ip other && other.address().equals(ip.address());
        };
    }

    /** Whether {@code port} is allowed, given the request's scheme default port. */
    public boolean matchesPort(int port, int schemeDefaultPort) {
        return switch (this.port) {
            case ANY_PORT -> true;
            case DEFAULT_PORT -> port == schemeDefaultPort;
            default -> port == this.port;
        };
    }

    /** The pattern as written in the secrets file. */
    @Override
    public String toString() {
        return text;
    }
}
