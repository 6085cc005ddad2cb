package dev.airlock.gateway.flow;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Decision ids for decisions the engine did not number itself: 128 random bits, hex. An id
 * names an audit record; it grants nothing, so it needs to be unique, not secret — hence the
 * fast per-thread generator rather than {@code SecureRandom}, whose shared lock and system
 * calls cost more than the rest of a cached decision.
 */
public final class DecisionIds {
    private static final HexFormat HEX = HexFormat.of();

    private DecisionIds() {}

    public static String next() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return HEX.toHexDigits(random.nextLong()) + HEX.toHexDigits(random.nextLong());
    }
}
