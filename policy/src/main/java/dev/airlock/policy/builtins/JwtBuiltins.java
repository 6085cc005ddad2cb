package dev.airlock.policy.builtins;

import static dev.airlock.policy.builtins.Operands.string;
import static dev.airlock.policy.types.Types.A;
import static dev.airlock.policy.types.Types.B;
import static dev.airlock.policy.types.Types.S;
import static dev.airlock.policy.types.Types.args;
import static dev.airlock.policy.types.Types.func;
import static dev.airlock.policy.types.Types.objectOf;
import static dev.airlock.policy.types.Types.tuple;

import dev.airlock.policy.value.ArrayValue;
import dev.airlock.policy.value.BoolValue;
import dev.airlock.policy.value.Json;
import dev.airlock.policy.value.NumberValue;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.StringValue;
import dev.airlock.policy.value.Value;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/** JSON Web Tokens: io.jwt.decode, decode_verify, verify_* and encode_sign(_raw), as OPA implements them. */
public final class JwtBuiltins {
    private JwtBuiltins() {}

    private static final String B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    /** Nested (cty: JWT) tokens deeper than this are refused. */
    static final int MAX_NESTING = 16;

    public static List<Builtin> declarations() {
        List<Builtin> out = new ArrayList<>(List.of(
                Builtin.of("io.jwt.decode", func(args(S), tuple(objectOf(A, A), objectOf(A, A), S)),
                        "[header, payload, signature in hex] of a JWT, without verifying it",
                        (ctx, a) -> {
                            Token t = decode(string(a, 1));
                            return ArrayValue.of(t.header(), t.payload(), StringValue.of(HexFormat.of().formatHex(t.signature())));
                        }),
                Builtin.of("io.jwt.decode_verify", func(args(S, objectOf(S, A)), tuple(B, objectOf(A, A), objectOf(A, A))),
                        "[valid, header, payload]: verifies signature and claims against constraints (cert or secret, alg, iss, aud, time)",
                        // exp and nbf are checked against the query time unless the constraints give one
                        EnumSet.of(Builtin.Flag.NONDETERMINISTIC),
                        (ctx, a) -> decodeVerify(ctx, string(a, 1), Operands.object(a, 2))),
                Builtin.of("io.jwt.encode_sign", func(args(objectOf(S, A), objectOf(S, A), objectOf(S, A)), S),
                        "Signs a JWS with the given headers, payload and JWK",
                        // ECDSA and RSA-PSS signatures are randomized
                        EnumSet.of(Builtin.Flag.NONDETERMINISTIC),
                        (ctx, a) -> {
                            ObjectValue headers = Operands.object(a, 1);
                            ObjectValue payload = Operands.object(a, 2);
                            ObjectValue key = Operands.object(a, 3);
                            return StringValue.of(encode(Json.write(headers), Json.write(payload), key));
                        }),
                Builtin.of("io.jwt.encode_sign_raw", func(args(S, S, S), S),
                        "Signs a JWS from header, payload and JWK given as JSON text",
                        EnumSet.of(Builtin.Flag.NONDETERMINISTIC), // randomized signatures, as encode_sign
                        (ctx, a) -> {
                            Value key;
                            try {
                                key = Json.parse(string(a, 3));
                            } catch (Json.ParseException e) {
                                throw BuiltinException.error("failed to parse the JWK: " + e.getMessage());
                            }
                            if (!(key instanceof ObjectValue k)) throw BuiltinException.error("the JWK must be a JSON object");
                            return StringValue.of(encode(string(a, 1), string(a, 2), k));
                        })));
        for (String alg : List.of("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "HS256", "HS384", "HS512", "EdDSA")) {
            String name = "io.jwt.verify_" + alg.toLowerCase(java.util.Locale.ROOT);
            boolean hmac = alg.startsWith("HS");
            out.add(Builtin.of(name, func(args(S, S), B),
                    hmac ? "Whether the JWT's " + alg + " signature verifies with the secret"
                         : "Whether the JWT's " + alg + " signature verifies with the PEM certificate, PEM public key or JWK(S)",
                    (ctx, a) -> {
                        Token t = decodeOne(string(a, 1));
                        JwsAlgorithms.Alg spec = JwsAlgorithms.of(alg);
                        List<Object> keys = hmac ? List.of(GoStrings.bytes(string(a, 2))) : JwsAlgorithms.publicKeys(string(a, 2));
                        for (Object k : keys) {
                            if (JwsAlgorithms.verify(spec, k, t.signingInput(), t.signature())) return BoolValue.TRUE;
                        }
                        return BoolValue.FALSE;
                    }));
        }
        return out;
    }

    /** One level of a token: its header, payload (when not itself a token), signature and signed text. */
    record Token(ObjectValue header, ObjectValue payload, byte[] signature, byte[] signingInput, String nested) {}

    /** The innermost level of a token, following cty: JWT nesting. */
    static Token decode(String jwt) throws BuiltinException {
        Token t = decodeOne(jwt);
        for (int depth = 0; t.nested() != null; depth++) {
            if (depth >= MAX_NESTING) throw BuiltinException.error("JWT nested too deeply");
            t = decodeOne(t.nested());
        }
        return t;
    }

    static Token decodeOne(String jwt) throws BuiltinException {
        if (!jwt.contains(".")) throw BuiltinException.error("encoded JWT had no period separators");
        String[] parts = jwt.split("\\.", -1);
        if (parts.length != 3) throw BuiltinException.error("encoded JWT must have 3 sections, found " + parts.length);
        byte[] headerBytes = part(parts[0], "header");
        ObjectValue header = jsonObject(headerBytes, "header");
        if (header.get("enc") != null) throw BuiltinException.error("JWT is a JWE object, which is not supported");
        byte[] payloadBytes = part(parts[1], "payload");
        byte[] sig = part(parts[2], "signature");
        byte[] input = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
        if (header.get("cty") instanceof StringValue cty && cty.value().equalsIgnoreCase("JWT")) {
            String inner = new String(payloadBytes, StandardCharsets.UTF_8);
            if (inner.startsWith("\"")) {
                try {
                    inner = ((StringValue) Json.parse(inner)).value();
                } catch (Json.ParseException | ClassCastException e) {
                    throw BuiltinException.error("JWT payload had invalid encoding: nested token is not a string");
                }
            }
            return new Token(header, null, sig, input, inner);
        }
        return new Token(header, jsonObject(payloadBytes, "payload"), sig, input, null);
    }

    private static byte[] part(String s, String what) throws BuiltinException {
        try {
            String unpadded = s.endsWith("=") ? s.replaceAll("=+$", "") : s;
            return EncodingBuiltins.decodeBase64(unpadded, B64URL, false);
        } catch (BuiltinException e) {
            throw BuiltinException.error("JWT " + what + " had invalid encoding: " + e.getMessage());
        }
    }

    private static ObjectValue jsonObject(byte[] bytes, String what) throws BuiltinException {
        try {
            Value v = Json.parse(new String(bytes, StandardCharsets.UTF_8));
            if (v instanceof ObjectValue o) return o;
        } catch (Json.ParseException e) {
            throw BuiltinException.error("JWT " + what + " had invalid encoding: " + e.getMessage());
        }
        throw BuiltinException.error("JWT " + what + " must be a JSON object");
    }

    private static final Value INVALID = ArrayValue.of(BoolValue.FALSE, ObjectValue.EMPTY, ObjectValue.EMPTY);

    private static Value decodeVerify(BuiltinContext ctx, String jwt, ObjectValue constraints) throws BuiltinException {
        Object key = null;
        List<Object> keys = null;
        String alg = null;
        String iss = null;
        String aud = null;
        BigDecimal time = BigDecimal.valueOf(ctx.queryTimeNanos());
        for (Map.Entry<Value, Value> e : constraints.entries().entrySet()) {
            String name = e.getKey() instanceof StringValue s ? s.value() : Json.write(e.getKey());
            Value v = e.getValue();
            switch (name) {
                case "cert" -> {
                    if (keys != null || key != null) throw BuiltinException.error("duplicate key constraints");
                    keys = JwsAlgorithms.publicKeys(constraintString(name, v));
                }
                case "secret" -> {
                    if (keys != null || key != null) throw BuiltinException.error("duplicate key constraints");
                    key = GoStrings.bytes(constraintString(name, v));
                }
                case "alg" -> alg = constraintString(name, v);
                case "iss" -> iss = constraintString(name, v);
                case "aud" -> aud = constraintString(name, v);
                case "time" -> {
                    if (!(v instanceof NumberValue n)) throw BuiltinException.error("token time constraint: must be a number");
                    time = n.value();
                }
                default -> throw BuiltinException.error("unknown token validation constraint: " + name);
            }
        }
        if (keys == null && key == null) throw BuiltinException.error("no key constraint provided: give either cert or secret");
        // every level of a nested token is verified with the same key, as OPA does
        Token t = decodeOne(jwt);
        for (int depth = 0; ; depth++) {
            if (depth >= MAX_NESTING) throw BuiltinException.error("JWT nested too deeply");
            if (!(t.header().get("alg") instanceof StringValue headerAlg)) return INVALID;
            JwsAlgorithms.Alg spec = JwsAlgorithms.of(headerAlg.value());
            if (spec == null) return INVALID;
            if (alg != null && !alg.equals(headerAlg.value())) return INVALID;
            if (t.header().get("crit") != null) return INVALID; // no critical extensions are understood
            boolean ok = false;
            for (Object k : keys != null ? keys : List.of(key)) {
                if (JwsAlgorithms.verify(spec, k, t.signingInput(), t.signature())) {
                    ok = true;
                    break;
                }
            }
            if (!ok) return INVALID;
            if (t.nested() == null) break;
            t = decodeOne(t.nested());
        }
        // the claims
        ObjectValue p = t.payload();
        Value exp = p.get("exp");
        if (exp != null) {
            if (!(exp instanceof NumberValue n)) throw BuiltinException.error("exp value must be a number");
            if (time.compareTo(n.value().multiply(BigDecimal.valueOf(1_000_000_000L))) >= 0) return INVALID;
        }
        Value nbf = p.get("nbf");
        if (nbf != null) {
            if (!(nbf instanceof NumberValue n)) throw BuiltinException.error("nbf value must be a number");
            if (time.compareTo(n.value().multiply(BigDecimal.valueOf(1_000_000_000L))) < 0) return INVALID;
        }
        if (iss != null && !(p.get("iss") instanceof StringValue pi && pi.value().equals(iss))) return INVALID;
        Value pAud = p.get("aud");
        if (pAud != null) {
            if (aud == null) return INVALID;
            boolean match = switch (pAud) {
                case StringValue s -> s.value().equals(aud);
                case ArrayValue arr -> arr.elements().contains(StringValue.of(aud));
                default -> false;
            };
            if (!match) return INVALID;
        } else if (aud != null) {
            return INVALID;
        }
        return ArrayValue.of(BoolValue.TRUE, t.header(), p);
    }

    private static String constraintString(String name, Value v) throws BuiltinException {
        if (v instanceof StringValue s) return s.value();
        throw BuiltinException.error("token " + name + " constraint: must be a string");
    }

    private static String encode(String headerText, String payloadText, ObjectValue jwk) throws BuiltinException {
        Value header;
        if (headerText.isEmpty()) throw BuiltinException.error("missing or invalid 'alg' header: cannot parse JSON: cannot parse empty string");
        try {
            header = Json.parse(headerText);
        } catch (Json.ParseException e) {
            if (headerText.stripLeading().startsWith("{")) {
                throw BuiltinException.error("missing or invalid 'alg' header: cannot parse JSON: " + e.getMessage());
            }
            throw BuiltinException.error("missing or invalid 'alg' header: jwsbb: header \"alg\" not found");
        }
        if (!(header instanceof ObjectValue h) || !(h.get("alg") instanceof StringValue algName)) {
            throw BuiltinException.error("missing or invalid 'alg' header: jwsbb: header \"alg\" not found");
        }
        JwsAlgorithms.Alg spec = JwsAlgorithms.of(algName.value());
        if (spec == null) throw BuiltinException.error("unknown JWS algorithm: " + algName.value());
        if (h.get("typ") instanceof StringValue typ && typ.value().equalsIgnoreCase("JWT")) {
            try {
                Json.parse(payloadText);
            } catch (Json.ParseException e) {
                throw BuiltinException.error("type is JWT but payload is not JSON");
            }
        }
        Base64.Encoder enc = Base64.getUrlEncoder().withoutPadding();
        String input = enc.encodeToString(headerText.getBytes(StandardCharsets.UTF_8)) + "."
                + enc.encodeToString(payloadText.getBytes(StandardCharsets.UTF_8));
        byte[] sig = JwsAlgorithms.sign(spec, JwsAlgorithms.signingKey(jwk), input.getBytes(StandardCharsets.US_ASCII));
        return input + "." + enc.encodeToString(sig);
    }

}
