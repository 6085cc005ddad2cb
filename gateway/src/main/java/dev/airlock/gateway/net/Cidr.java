package dev.airlock.gateway.net;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** An IPv4 or IPv6 prefix such as {@code 10.0.0.0/8} or {@code fc00::/7}. */
public record Cidr(byte[] network, int prefixLength) {

    public Cidr {
        if (network.length != 4 && network.length != 16) {
            throw new IllegalArgumentException("network must be 4 or 16 bytes");
        }
        if (prefixLength < 0 || prefixLength > network.length * 8) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " out of range");
        }
        network = mask(network.clone(), prefixLength);
    }

    /**
     * Parses {@code ADDR/LEN}, or a bare address as a host prefix. Addresses must be literal
     * (no name resolution happens here).
     *
     * @throws IllegalArgumentException with a message naming the bad text
     */
    public static Cidr parse(String text) {
        String s = text.strip();
        int slash = s.indexOf('/');
        String addr = slash < 0 ? s : s.substring(0, slash);
        HostLiteral literal = HostLiteral.parse(addr);
        if (!(literal instanceof HostLiteral.Ip ip)) {
            throw new IllegalArgumentException("not an IP prefix: '" + text + "'");
        }
        byte[] bytes = ip.address().getAddress();
        int len = bytes.length * 8;
        if (slash >= 0) {
            String lenText = s.substring(slash + 1);
            if (!lenText.matches("[0-9]{1,3}")) {
                throw new IllegalArgumentException("bad prefix length in '" + text + "'");
            }
            len = Integer.parseInt(lenText);
            if (len > bytes.length * 8) {
                throw new IllegalArgumentException("prefix length " + len + " too long in '" + text + "'");
            }
        }
        return new Cidr(bytes, len);
    }

    public boolean isIpv4() {
        return network.length == 4;
    }

    /** True when {@code address} is of the same family and inside this prefix. */
    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length != network.length) return false;
        int full = prefixLength / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != network[i]) return false;
        }
        int rest = prefixLength % 8;
        if (rest == 0) return true;
        int m = (0xFF << (8 - rest)) & 0xFF;
        return (a[full] & m) == (network[full] & m);
    }

    /** True when every address of {@code other} is inside this prefix. */
    public boolean containsPrefix(Cidr other) {
        return other.network.length == network.length && other.prefixLength >= prefixLength
                && contains(other.firstAddress());
    }

    public InetAddress firstAddress() {
        try {
            return InetAddress.getByAddress(network);
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // 4 or 16 bytes always form an address
        }
    }

    private static byte[] mask(byte[] b, int prefix) {
        for (int i = 0; i < b.length; i++) {
            int bits = Math.max(0, Math.min(8, prefix - i * 8));
            b[i] &= (byte) (bits == 0 ? 0 : 0xFF << (8 - bits));
        }
        return b;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Cidr c && c.prefixLength == prefixLength && java.util.Arrays.equals(c.network, network);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(network) * 31 + prefixLength;
    }

    @Override
    public String toString() {
        return HostLiteral.format(firstAddress()) + "/" + prefixLength;
    }
}
