package dev.airlock.policy.builtins;

import static dev.airlock.policy.builtins.Operands.string;
import static dev.airlock.policy.types.Types.B;
import static dev.airlock.policy.types.Types.S;
import static dev.airlock.policy.types.Types.anyOf;
import static dev.airlock.policy.types.Types.args;
import static dev.airlock.policy.types.Types.arrayOf;
import static dev.airlock.policy.types.Types.func;
import static dev.airlock.policy.types.Types.objectOf;
import static dev.airlock.policy.types.Types.setOf;

import dev.airlock.policy.value.ArrayValue;
import dev.airlock.policy.value.BoolValue;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.SetValue;
import dev.airlock.policy.value.StringValue;
import dev.airlock.policy.value.Value;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Text encodings: base64, base64url, hex and URL query strings. */
public final class EncodingBuiltins {
    private EncodingBuiltins() {}

    private static final String B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    private static final String B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    public static List<Builtin> declarations() {
        return List.of(
                Builtin.of("base64.encode", func(args(S), S), "Standard base64 with padding",
                        (ctx, a) -> StringValue.of(Base64.getEncoder().encodeToString(GoStrings.bytes(string(a, 1))))),
                Builtin.of("base64.decode", func(args(S), S), "Decodes standard, padded base64",
                        (ctx, a) -> StringValue.of(GoStrings.fromBytes(decodeBase64(string(a, 1), B64, true)))),
                Builtin.of("base64.is_valid", func(args(S), B), "Whether the string is valid standard base64",
                        (ctx, a) -> {
                            try {
                                decodeBase64(string(a, 1), B64, true);
                                return BoolValue.TRUE;
                            } catch (BuiltinException e) {
                                return BoolValue.FALSE;
                            }
                        }),
                Builtin.of("base64url.encode", func(args(S), S), "URL-safe base64 with padding",
                        (ctx, a) -> StringValue.of(Base64.getUrlEncoder().encodeToString(GoStrings.bytes(string(a, 1))))),
                Builtin.of("base64url.encode_no_pad", func(args(S), S), "URL-safe base64 without padding",
                        (ctx, a) -> StringValue.of(Base64.getUrlEncoder().withoutPadding().encodeToString(GoStrings.bytes(string(a, 1))))),
                Builtin.of("base64url.decode", func(args(S), S), "Decodes URL-safe base64, padded or not",
                        (ctx, a) -> {
                            String s = string(a, 1);
                            return StringValue.of(GoStrings.fromBytes(decodeBase64(s, B64URL, s.length() % 4 == 0)));
                        }),
                Builtin.of("hex.encode", func(args(S), S), "Lower-case hexadecimal of the string's UTF-8 bytes",
                        (ctx, a) -> StringValue.of(java.util.HexFormat.of().formatHex(GoStrings.bytes(string(a, 1))))),
                Builtin.of("hex.decode", func(args(S), S), "The string whose bytes the hexadecimal text encodes",
                        (ctx, a) -> StringValue.of(GoStrings.fromBytes(decodeHex(string(a, 1))))),
                Builtin.of("urlquery.encode", func(args(S), S), "Escapes a string for a URL query",
                        (ctx, a) -> StringValue.of(queryEscape(string(a, 1)))),
                Builtin.of("urlquery.decode", func(args(S), S), "Unescapes a URL query string",
                        (ctx, a) -> StringValue.of(queryUnescape(string(a, 1)))),
                Builtin.of("urlquery.encode_object", func(args(objectOf(S, anyOf(S, arrayOf(S), setOf(S)))), S),
                        "Encodes an object of strings (or arrays/sets of strings) as a query string, keys sorted",
                        (ctx, a) -> StringValue.of(encodeObject(Operands.object(a, 1)))),
                Builtin.of("urlquery.decode_object", func(args(S), objectOf(S, arrayOf(S))),
                        "Decodes a query string into an object of arrays of values",
                        (ctx, a) -> decodeObject(string(a, 1))));
    }

    /** Go's base64 decoding: strict alphabet, padding required when {@code padded}. */
    static byte[] decodeBase64(String s, String alphabet, boolean padded) throws BuiltinException {
        // Go ignores \r and \n in the input.
        String in = s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0 ? s.replace("\n", "").replace("\r", "") : s;
        ByteArrayOutputStream out = new ByteArrayOutputStream(in.length() * 3 / 4);
        int acc = 0;
        int bits = 0;
        int i = 0;
        int n = in.length();
        for (; i < n; i++) {
            char c = in.charAt(i);
            if (c == '=') break;
            int v = alphabet.indexOf(c);
            if (v < 0) throw BuiltinException.error("illegal base64 data at input byte " + i);
            acc = (acc << 6) | v;
            bits += 6;
            if (bits >= 8) {
                bits -= 8;
                out.write((acc >> bits) & 0xff);
            }
        }
        int dataChars = i;
        int rem = dataChars % 4;
        if (rem == 1) throw BuiltinException.error("illegal base64 data at input byte " + (dataChars - 1 < 0 ? 0 : dataChars));
        if (i < n) {
            if (!padded) throw BuiltinException.error("illegal base64 data at input byte " + i);
            int pads = 0;
            while (i < n && in.charAt(i) == '=') {
                pads++;
                i++;
            }
            if (i < n || rem == 0 || pads != 4 - rem) {
                throw BuiltinException.error("illegal base64 data at input byte " + (i < n ? i : dataChars + Math.min(pads, 4 - rem)));
            }
        } else if (padded && rem != 0) {
            throw BuiltinException.error("illegal base64 data at input byte " + n);
        }
        return out.toByteArray();
    }

    private static byte[] decodeHex(String s) throws BuiltinException {
        byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.digit(c, 16) < 0 || c > 'f') {
                throw BuiltinException.error("encoding/hex: invalid byte: U+" + String.format("%04X", (int) c) + " " + goQuoteRune(c));
            }
        }
        if (s.length() % 2 != 0) throw BuiltinException.error("encoding/hex: odd length hex string");
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }

    private static String goQuoteRune(char c) {
        return c < 0x20 ? String.format("'\\x%02x'", (int) c) : "'" + c + "'";
    }

    /** Go's url.QueryEscape. */
    static String queryEscape(String s) {
        StringBuilder sb = new StringBuilder();
        for (byte b : GoStrings.bytes(s)) {
            int c = b & 0xff;
            if (Character.isLetterOrDigit(c) && c < 0x80 || c == '-' || c == '_' || c == '.' || c == '~') {
                sb.append((char) c);
            } else if (c == ' ') {
                sb.append('+');
            } else {
                sb.append('%').append(String.format("%02X", c));
            }
        }
        return sb.toString();
    }

    /** Go's url.QueryUnescape. */
    static String queryUnescape(String s) throws BuiltinException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(s.length());
        byte[] in = GoStrings.bytes(s);
        for (int i = 0; i < in.length; i++) {
            int c = in[i] & 0xff;
            if (c == '%') {
                if (i + 2 >= in.length || Character.digit(in[i + 1], 16) < 0 || Character.digit(in[i + 2], 16) < 0) {
                    String bad = new String(in, i, Math.min(3, in.length - i), java.nio.charset.StandardCharsets.UTF_8);
                    throw BuiltinException.error("invalid URL escape " + Operands.quote(bad));
                }
                out.write(Character.digit(in[i + 1], 16) * 16 + Character.digit(in[i + 2], 16));
                i += 2;
            } else if (c == '+') {
                out.write(' ');
            } else {
                out.write(c);
            }
        }
        return GoStrings.fromBytes(out.toByteArray());
    }

    private static String encodeObject(ObjectValue o) throws BuiltinException {
        List<String> parts = new ArrayList<>();
        for (Map.Entry<Value, Value> e : o.entries().entrySet()) {
            if (!(e.getKey() instanceof StringValue k)) throw BuiltinException.type("operand 1 must be object of string keys");
            Collection<Value> values = switch (e.getValue()) {
                case StringValue s -> List.of(s);
                case ArrayValue arr -> arr.elements();
                case SetValue set -> set.elements();
                default -> throw BuiltinException.type("operand 1 values must be string, array[string], or set[string]");
            };
            for (Value v : values) {
                if (!(v instanceof StringValue sv)) {
                    throw BuiltinException.type("operand 1 values must be string, array[string], or set[string]");
                }
                parts.add(queryEscape(k.value()) + "=" + queryEscape(sv.value()));
            }
        }
        return String.join("&", parts);
    }

    private static Value decodeObject(String q) throws BuiltinException {
        Map<String, List<Value>> m = new LinkedHashMap<>();
        for (String part : q.split("&", -1)) {
            if (part.isEmpty()) continue;
            if (part.indexOf(';') >= 0) throw BuiltinException.error("invalid semicolon separator in query");
            int eq = part.indexOf('=');
            String k = queryUnescape(eq < 0 ? part : part.substring(0, eq));
            String v = eq < 0 ? "" : queryUnescape(part.substring(eq + 1));
            m.computeIfAbsent(k, x -> new ArrayList<>()).add(StringValue.of(v));
        }
        TreeMap<Value, Value> out = new TreeMap<>();
        m.forEach((k, vs) -> out.put(StringValue.of(k), new ArrayValue(vs)));
        return ObjectValue.wrap(out);
    }

}
