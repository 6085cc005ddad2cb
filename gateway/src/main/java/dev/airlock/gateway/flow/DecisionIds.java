package dev.airlock.gateway.flow;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Decision ids for decisions the engine did not number itself: 128 random bits, hex. */
public final class DecisionIds {
    private static final SecureRandom RANDOM = new SecureRandom();

    private DecisionIds() {}

    public static String next() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
