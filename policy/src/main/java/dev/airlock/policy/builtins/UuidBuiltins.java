package dev.airlock.policy.builtins;

import static dev.airlock.policy.builtins.Operands.string;
import static dev.airlock.policy.types.Types.A;
import static dev.airlock.policy.types.Types.S;
import static dev.airlock.policy.types.Types.args;
import static dev.airlock.policy.types.Types.func;
import static dev.airlock.policy.types.Types.objectOf;

import dev.airlock.policy.value.NumberValue;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.StringValue;
import dev.airlock.policy.value.Value;
import java.math.BigInteger;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;

/** UUIDs: uuid.rfc4122 (random v4, stable per key within a query) and uuid.parse. */
public final class UuidBuiltins {
    private UuidBuiltins() {}

    private static final SecureRandom RANDOM = new SecureRandom();
    /** 100 ns intervals between 1582-10-15 (the UUID epoch) and 1970-01-01. */
    private static final long GREGORIAN_OFFSET = 0x01B21DD213814000L;

    public static List<Builtin> declarations() {
        return List.of(
                Builtin.of("uuid.rfc4122", func(args(S), S),
                        "A random version 4 UUID; the same key gives the same UUID within one query",
                        EnumSet.of(Builtin.Flag.NONDETERMINISTIC),
                        (ctx, a) -> {
                            String key = string(a, 1);
                            Object cached = ctx.queryCache().computeIfAbsent(List.of("uuid.rfc4122", key), k -> randomV4());
                            return (Value) cached;
                        }),
                Builtin.of("uuid.parse", func(args(S), objectOf(S, A)),
                        "The version, variant and (for time-based UUIDs) time and node fields of a UUID",
                        (ctx, a) -> parse(string(a, 1))));
    }

    private static Value randomV4() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        b[6] = (byte) ((b[6] & 0x0f) | 0x40);
        b[8] = (byte) ((b[8] & 0x3f) | 0x80);
        String h = HexFormat.of().formatHex(b);
        return StringValue.of(h.substring(0, 8) + "-" + h.substring(8, 12) + "-" + h.substring(12, 16) + "-"
                + h.substring(16, 20) + "-" + h.substring(20));
    }

    /** The 16 bytes of a UUID in any of Go's accepted spellings, or null. */
    static byte[] bytes(String s) {
        String t = s;
        if (t.length() == 45 && t.regionMatches(true, 0, "urn:uuid:", 0, 9)) t = t.substring(9);
        else if (t.length() == 38 && t.startsWith("{") && t.endsWith("}")) t = t.substring(1, 37);
        String hex;
        if (t.length() == 36) {
            if (t.charAt(8) != '-' || t.charAt(13) != '-' || t.charAt(18) != '-' || t.charAt(23) != '-') return null;
            hex = t.replace("-", "");
            if (hex.length() != 32) return null;
        } else if (t.length() == 32) {
            hex = t;
        } else {
            return null;
        }
        try {
            return HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** uuid.parse's object, or null (undefined) for text that is not a UUID. */
    private static Value parse(String s) {
        byte[] u = bytes(s);
        if (u == null) return null;
        TreeMap<Value, Value> out = new TreeMap<>();
        int version = (u[6] & 0xff) >> 4;
        out.put(StringValue.of("version"), NumberValue.of(version));
        int v = u[8] & 0xff;
        String variant = (v & 0x80) == 0 ? "Reserved" : (v & 0xc0) == 0x80 ? "RFC4122" : (v & 0xe0) == 0xc0 ? "Microsoft" : "Future";
        out.put(StringValue.of("variant"), StringValue.of(variant));
        if (version == 1 || version == 2) {
            long timeLow = ((u[0] & 0xffL) << 24) | ((u[1] & 0xffL) << 16) | ((u[2] & 0xffL) << 8) | (u[3] & 0xffL);
            long timeMid = ((u[4] & 0xffL) << 8) | (u[5] & 0xffL);
            long timeHi = (((u[6] & 0xffL) << 8) | (u[7] & 0xffL)) & 0xfff;
            long t = (timeHi << 48) | (timeMid << 32) | timeLow; // for v2, time_low holds the id, as Go reads it
            BigInteger unixNs = BigInteger.valueOf(t - GREGORIAN_OFFSET).multiply(BigInteger.valueOf(100));
            out.put(StringValue.of("time"), NumberValue.of(unixNs));
            out.put(StringValue.of("clocksequence"), NumberValue.of((((u[8] & 0xff) << 8) | (u[9] & 0xff)) & 0x3fff));
            StringBuilder node = new StringBuilder();
            for (int i = 10; i < 16; i++) {
                if (i > 10) node.append('-');
                node.append(String.format("%02x", u[i] & 0xff));
            }
            out.put(StringValue.of("nodeid"), StringValue.of(node.toString()));
            int first = u[10] & 0xff;
            out.put(StringValue.of("macvariables"), StringValue.of(((first & 0x02) != 0 ? "local" : "global") + ":"
                    + ((first & 0x01) != 0 ? "multicast" : "unicast")));
            if (version == 2) {
                int domain = u[9] & 0xff;
                out.put(StringValue.of("domain"), StringValue.of(switch (domain) {
                    case 0 -> "Person";
                    case 1 -> "Group";
                    case 2 -> "Org";
                    default -> "Domain" + domain;
                }));
                out.put(StringValue.of("id"), NumberValue.of(timeLow));
            }
        }
        return ObjectValue.wrap(out);
    }
}
