package dev.airlock.secrets.host;

import java.net.InetAddress;
import java.util.Optional;

/**
 * A host in the one canonical form airlock compares and mints certificates for: either a DNS
 * name in lower-case ASCII (A-label) form without a trailing dot, or an IP address.
 *
 * <p>Parsing is strict because the same string decides both which secrets may be injected
 * and which certificate is minted: anything a resolver or URL parser might read differently
 * from us is rejected rather than guessed at. In particular a name whose last label is numeric
 * ({@code 127.1}, {@code 0x7f.1}) is rejected, since URL parsers and {@code inet_aton} read it
 * as an IPv4 address; and an IPv6 literal with a zone id ({@code fe80::1%eth0}) is rejected.
 */
public sealed interface HostName permits HostName.Dns, HostName.Ip {
    /** Longest DNS name in presentation form without the trailing dot (RFC 1035). */
    int MAX_NAME_LENGTH = 253;

    /** The canonical text: lower-case A-label name, dotted-quad IPv4, or full IPv6 without brackets. */
    String text();

    /** A DNS name, already in lower-case ASCII form. */
    record Dns(String text) implements HostName {}

    /** An IP address literal. {@code text} is {@link InetAddress#getHostAddress()}. */
    record Ip(InetAddress address, String text) implements HostName {
        Ip(InetAddress address) {
            this(address, address.getHostAddress());
        }
    }

    /**
     * Parses a host as received on the wire (SNI, CONNECT authority, {@code Host} header):
     * ASCII only. Unicode names are rejected here, because the gateway dials the ASCII form and
     * we must compare exactly what is dialed.
     */
    static Optional<HostName> parse(String raw) {
        return HostNameParser.parseWire(raw);
    }

    /**
     * Parses a host, throwing with a reason when it is not acceptable. With
     * {@code allowUnicode} (configuration written by a person) U-labels are converted to
     * A-labels first.
     */
    static HostName parseOrThrow(String raw, boolean allowUnicode) {
        return HostNameParser.parse(raw, allowUnicode);
    }
}
