package dev.airlock.gateway.net;

import java.net.InetAddress;
import java.util.List;

/**
 * The special-purpose address ranges the gateway refuses to dial unless the connect decision
 * lists them in {@code allow_cidrs}. Each range has the name used in denial reasons and audit
 * records.
 */
public enum AddressClass {
    UNSPECIFIED("0.0.0.0/8", "::/128"),
    LOOPBACK("127.0.0.0/8", "::1/128"),
    PRIVATE("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"),
    /** Cloud instance metadata endpoints; also link-local, but named so reasons are clear. */
    METADATA("169.254.169.254/32", "169.254.170.2/32", "100.100.100.200/32", "fd00:ec2::254/128"),
    LINK_LOCAL("169.254.0.0/16", "fe80::/10"),
    CGNAT("100.64.0.0/10"),
    UNIQUE_LOCAL("fc00::/7"),
    MULTICAST("224.0.0.0/4", "ff00::/8"),
    RESERVED("240.0.0.0/4", "192.0.0.0/24", "198.18.0.0/15"),
    IPV4_MAPPED("::ffff:0:0/96"),
    /** IPv6 forms that embed an IPv4 address a router would forward to (NAT64, 6to4, Teredo). */
    IPV4_EMBEDDING("64:ff9b::/96", "64:ff9b:1::/48", "2002::/16", "2001::/32");

    private final List<Cidr> ranges;

    AddressClass(String... cidrs) {
        this.ranges = java.util.Arrays.stream(cidrs).map(Cidr::parse).toList();
    }

    public List<Cidr> ranges() {
        return ranges;
    }

    /** Wire name, e.g. {@code link-local}. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** The first class whose ranges contain the address (metadata before link-local), or null for public addresses. */
    public static AddressClass of(InetAddress address) {
        for (AddressClass c : values()) {
            for (Cidr r : c.ranges) {
                if (r.contains(address)) return c;
            }
        }
        return null;
    }
}
