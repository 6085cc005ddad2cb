package dev.airlock.policy.builtins;

import java.math.BigInteger;

/**
 * IP addresses and CIDR blocks parsed as Go's net package does, without ever consulting DNS.
 * An address is 4 or 16 bytes held as an unsigned integer with its bit width.
 */
record IpNet(BigInteger address, int bits, int prefix) {

    /** The first address of the block (host bits cleared). */
    IpNet network() {
        return new IpNet(address.and(mask()), bits, prefix);
    }

    BigInteger mask() {
        BigInteger all = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE);
        BigInteger host = BigInteger.ONE.shiftLeft(bits - prefix).subtract(BigInteger.ONE);
        return all.xor(host);
    }

    BigInteger first() {
        return address.and(mask());
    }

    BigInteger last() {
        return first().or(BigInteger.ONE.shiftLeft(bits - prefix).subtract(BigInteger.ONE));
    }

    boolean contains(IpNet other) {
        return bits == other.bits && other.prefix >= prefix && other.address.and(mask()).equals(first());
    }

    boolean intersects(IpNet other) {
        return bits == other.bits && (contains(other) || other.contains(this));
    }

    String cidr() {
        return format(first(), bits) + "/" + prefix;
    }

    /** Go's ParseCIDR; null when invalid. */
    static IpNet parseCidr(String s) {
        int slash = s.indexOf('/');
        if (slash < 0) return null;
        BigInteger[] ip = parseIp(s.substring(0, slash));
        if (ip == null) return null;
        String p = s.substring(slash + 1);
        if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit)) return null;
        if (p.length() > 1 && p.charAt(0) == '0') return null;
        int prefix = Integer.parseInt(p);
        int bits = ip[1].intValue();
        if (prefix > bits) return null;
        return new IpNet(ip[0], bits, prefix);
    }

    /** A single address as a full-length block, or null. */
    static IpNet parseAddress(String s) {
        BigInteger[] ip = parseIp(s);
        return ip == null ? null : new IpNet(ip[0], ip[1].intValue(), ip[1].intValue());
    }

    /** {address, bits} for an IPv4 or IPv6 literal (no zones), or null. */
    static BigInteger[] parseIp(String s) {
        if (s.indexOf(':') >= 0) {
            byte[] b = parseIpv6(s);
            return b == null ? null : new BigInteger[] {new BigInteger(1, b), BigInteger.valueOf(128)};
        }
        byte[] b = parseIpv4(s);
        return b == null ? null : new BigInteger[] {new BigInteger(1, b), BigInteger.valueOf(32)};
    }

    static byte[] parseIpv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) return null;
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) return null;
            if (p.length() > 1 && p.charAt(0) == '0') return null; // Go rejects leading zeros
            int v = Integer.parseInt(p);
            if (v > 255) return null;
            out[i] = (byte) v;
        }
        return out;
    }

    static byte[] parseIpv6(String s) {
        if (s.indexOf('%') >= 0) return null;
        byte[] out = new byte[16];
        int dbl = s.indexOf("::");
        if (dbl >= 0 && s.indexOf("::", dbl + 1) >= 0) return null;
        String head = dbl >= 0 ? s.substring(0, dbl) : s;
        String tail = dbl >= 0 ? s.substring(dbl + 2) : "";
        java.util.List<Integer> h = groups(head);
        java.util.List<Integer> t = groups(tail);
        if (h == null || t == null) return null;
        int total = h.size() + t.size();
        if (dbl < 0 ? total != 8 : total > 7) return null;
        int i = 0;
        for (int g : h) {
            out[i++] = (byte) (g >> 8);
            out[i++] = (byte) g;
        }
        i = 16 - 2 * t.size();
        for (int g : t) {
            out[i++] = (byte) (g >> 8);
            out[i++] = (byte) g;
        }
        return out;
    }

    /** 16-bit groups; a trailing dotted IPv4 counts as two groups. */
    private static java.util.List<Integer> groups(String s) {
        java.util.List<Integer> out = new java.util.ArrayList<>();
        if (s.isEmpty()) return out;
        String[] parts = s.split(":", -1);
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (i == parts.length - 1 && p.indexOf('.') >= 0) {
                byte[] v4 = parseIpv4(p);
                if (v4 == null) return null;
                out.add(((v4[0] & 0xff) << 8) | (v4[1] & 0xff));
                out.add(((v4[2] & 0xff) << 8) | (v4[3] & 0xff));
                continue;
            }
            if (p.isEmpty() || p.length() > 4) return null;
            try {
                out.add(Integer.parseInt(p, 16));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return out;
    }

    /** Go's IP.String(): dotted IPv4 (also for IPv4-mapped IPv6), RFC 5952 IPv6. */
    static String format(BigInteger addr, int bits) {
        byte[] raw = addr.toByteArray();
        byte[] b = new byte[bits / 8];
        int copy = Math.min(raw.length, b.length);
        System.arraycopy(raw, raw.length - copy, b, b.length - copy, copy);
        if (bits == 32) return (b[0] & 0xff) + "." + (b[1] & 0xff) + "." + (b[2] & 0xff) + "." + (b[3] & 0xff);
        boolean mapped = true;
        for (int i = 0; i < 10; i++) mapped &= b[i] == 0;
        mapped &= (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
        if (mapped) return (b[12] & 0xff) + "." + (b[13] & 0xff) + "." + (b[14] & 0xff) + "." + (b[15] & 0xff);
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) g[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) j++;
            if (j - i > bestLen) {
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
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }
}
