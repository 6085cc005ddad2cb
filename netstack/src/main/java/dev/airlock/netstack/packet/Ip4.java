package dev.airlock.netstack.packet;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** IPv4 addresses as ints (network order in the int's bits), and their classification. */
public final class Ip4 {
    private Ip4() {}

    public static int parse(String dotted) {
        String[] parts = dotted.split("\\.");
        if (parts.length != 4) {
            throw new IllegalArgumentException("not a dotted IPv4 address: " + dotted);
        }
        int v = 0;
        for (String p : parts) {
            int octet = Integer.parseInt(p);
            if (octet < 0 || octet > 255) {
                throw new IllegalArgumentException("IPv4 octet out of range in " + dotted);
            }
            v = (v << 8) | octet;
        }
        return v;
    }

    public static String format(int a) {
        return (a >>> 24) + "." + ((a >>> 16) & 0xff) + "." + ((a >>> 8) & 0xff) + "." + (a & 0xff);
    }

    public static Inet4Address toInet(int a) {
        try {
            return (Inet4Address) InetAddress.getByAddress(
                    new byte[] {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a});
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // four bytes are always a valid address
        }
    }

    public static int fromInet(Inet4Address a) {
        byte[] b = a.getAddress();
        return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    }

    /** Multicast (224/4), limited broadcast, "this network" (0/8) and class E (240/4). */
    public static boolean isNonUnicast(int a) {
        int first = a >>> 24;
        return first == 0 || first >= 224;
    }
}
