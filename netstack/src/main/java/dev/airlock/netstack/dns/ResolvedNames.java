package dev.airlock.netstack.dns;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Which name each address was handed out for, so the L4 decision for a guest connection
 * (and its audit record) can use the name the guest resolved rather than a bare IP. Entries
 * live for the answer's TTL clamped to {@link #MIN_TTL_SECONDS}–{@link #MAX_TTL_SECONDS}, and
 * the table holds at most {@code capacity} addresses, evicting the least recently used — a
 * guest resolving millions of names costs bounded memory.
 *
 * <p>When two names resolve to one address, the most recent answer wins: the decision is then
 * taken for that name, and a TLS server name naming the other is refused as a mismatch.
 */
public final class ResolvedNames {
    public static final int MIN_TTL_SECONDS = 5;
    public static final int MAX_TTL_SECONDS = 300;

    private record Named(String name, long expiresAtMillis) {}

    private final int capacity;
    private final LinkedHashMap<InetAddress, Named> byAddress;

    public ResolvedNames(int capacity) {
        this.capacity = capacity;
        this.byAddress = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<InetAddress, Named> eldest) {
                return size() > ResolvedNames.this.capacity;
            }
        };
    }

    public static int clampTtl(int ttlSeconds) {
        return Math.clamp(ttlSeconds, MIN_TTL_SECONDS, MAX_TTL_SECONDS);
    }

    /** Remembers that {@code address} was answered for {@code name}. */
    public synchronized void remember(String name, InetAddress address, int ttlSeconds, long nowMillis) {
        byAddress.put(address, new Named(name, nowMillis + clampTtl(ttlSeconds) * 1000L));
    }

    /** The name {@code address} was last handed out for, or null when none (or it expired). */
    public synchronized String nameFor(InetAddress address, long nowMillis) {
        Named e = byAddress.get(address);
        if (e == null) {
            return null;
        }
        if (e.expiresAtMillis() <= nowMillis) {
            byAddress.remove(address);
            return null;
        }
        return e.name();
    }

    public synchronized int size() {
        return byAddress.size();
    }
}
