package dev.airlock.gateway.sandbox;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Stand-in addresses for names that resolve to the host's loopback ({@code host.airlock.internal},
 * {@code --resolve api.test=127.0.0.1}). Inside the sandbox 127.0.0.1 is the sandbox's own
 * loopback, so the DNS answer for such a name is an alias from a range routed to the stack
 * (by default 198.19.255.1–254, in the RFC 2544 range and off the guest's link); a
 * connection to the alias is decided for the name and dialed to the loopback address,
 * which still has to pass the guard (it needs {@code allow_cidrs} 127.0.0.0/8).
 *
 * <p>Each name gets its own alias, so the L4 decision always knows which name was meant.
 * The table is bounded; the least recently handed-out alias is reused first.
 */
public final class HostAliases {
    /** The name that always means "the host running airlock". */
    public static final String HOST_NAME = "host.airlock.internal";

    /** What an alias stands for. */
    public record Alias(String name, InetAddress loopback) {}

    private final int network;
    private final int size;
    private final LinkedHashMap<String, Integer> byName = new LinkedHashMap<>(16, 0.75f, true);
    private final Map<Integer, Alias> byAddress = new HashMap<>();
    private int next = 1;

    /** @param network a /24 network address (its .1–.254 are used) */
    public HostAliases(Inet4Address network) {
        byte[] b = network.getAddress();
        this.network = (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8;
        this.size = 254;
    }

    public static HostAliases defaults() {
        try {
            return new HostAliases((Inet4Address) InetAddress.getByName("198.19.255.0"));
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** The alias for {@code name}, which resolved to the loopback address {@code loopback}. */
    public synchronized Inet4Address aliasFor(String name, InetAddress loopback) {
        Integer a = byName.get(name);
        if (a == null) {
            if (byName.size() < size) {
                a = network | next++;
            } else {
                var eldest = byName.entrySet().iterator().next();
                a = eldest.getValue();
                byName.remove(eldest.getKey());
            }
            byName.put(name, a);
        }
        byAddress.put(a, new Alias(name, loopback));
        return toInet(a);
    }

    /** What {@code address} stands for, or null when it is not a handed-out alias. */
    public synchronized Alias lookup(InetAddress address) {
        if (!(address instanceof Inet4Address v4)) {
            return null;
        }
        return byAddress.get(toInt(v4));
    }

    /** True when {@code address} lies in the alias range (handed out or not). */
    public boolean inRange(InetAddress address) {
        return address instanceof Inet4Address v4 && (toInt(v4) & 0xffffff00) == network;
    }

    private static int toInt(Inet4Address a) {
        byte[] b = a.getAddress();
        return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }

    private static Inet4Address toInet(int a) {
        try {
            return (Inet4Address) InetAddress.getByAddress(new byte[] {(byte) (a >>> 24), (byte) (a >>> 16), (byte) (a >>> 8), (byte) a});
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
