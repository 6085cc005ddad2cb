package dev.airlock.policy.builtins;

import static dev.airlock.policy.types.Types.A;
import static dev.airlock.policy.types.Types.N;
import static dev.airlock.policy.types.Types.S;
import static dev.airlock.policy.types.Types.args;
import static dev.airlock.policy.types.Types.func;
import static dev.airlock.policy.types.Types.objectOf;

import dev.airlock.policy.value.BoolValue;
import dev.airlock.policy.value.Json;
import dev.airlock.policy.value.NumberValue;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.StringValue;
import dev.airlock.policy.value.Value;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/** providers.aws.sign_req: AWS Signature Version 4 headers for an http.send-shaped request object. */
public final class ProvidersBuiltins {
    private ProvidersBuiltins() {}

    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);
    private static final List<String> REQUIRED_CONFIG = List.of("aws_access_key", "aws_region", "aws_secret_access_key", "aws_service");

    public static List<Builtin> declarations() {
        return List.of(Builtin.of("providers.aws.sign_req", func(args(objectOf(S, A), objectOf(S, A), N), objectOf(S, A)),
                "The request with AWS SigV4 headers (Authorization, x-amz-date, x-amz-content-sha256...) added",
                (ctx, a) -> sign(Operands.object(a, 1), Operands.object(a, 2), Operands.number(a, 3))));
    }

    private static String quotedList(List<String> names) {
        List<String> q = new ArrayList<>();
        for (String n : names) q.add(Json.quote(n));
        return "{" + String.join(", ", q) + "}";
    }

    private static Value sign(ObjectValue req, ObjectValue config, NumberValue timeNs) throws BuiltinException {
        List<String> missing = new ArrayList<>();
        List<String> invalid = new ArrayList<>();
        for (String k : List.of("method", "url")) {
            if (req.get(k) == null) missing.add(k);
            else if (!(req.get(k) instanceof StringValue)) invalid.add(k);
        }
        if (!missing.isEmpty()) throw Operands.operandError(1, "missing required request parameters(s): " + quotedList(missing));
        if (!invalid.isEmpty()) throw Operands.operandError(1, "invalid values for required request parameters(s): " + quotedList(invalid));
        for (String k : REQUIRED_CONFIG) {
            if (config.get(k) == null) missing.add(k);
            else if (!(config.get(k) instanceof StringValue)) invalid.add(k);
        }
        if (!missing.isEmpty()) throw Operands.operandError(2, "missing required AWS config parameters(s): " + quotedList(missing));
        if (!invalid.isEmpty()) throw Operands.operandError(2, "invalid values for required AWS config parameters(s): " + quotedList(invalid));
        boolean unsignedPayload = false;
        if (config.get("disable_payload_signing") != null) {
            if (!(config.get("disable_payload_signing") instanceof BoolValue b)) {
                throw Operands.operandError(2, "invalid value for 'disable_payload_signing' in AWS config");
            }
            unsignedPayload = b.value();
        }
        BigInteger ns = timeNs.value().setScale(0, RoundingMode.DOWN).toBigInteger();
        if (ns.signum() < 0 || ns.bitLength() > 63) throw Operands.operandError(3, "could not convert time_ns value into a unix timestamp");
        Instant when = Instant.ofEpochSecond(0, ns.longValue());

        String method = ((StringValue) req.get("method")).value();
        String url = ((StringValue) req.get("url")).value();
        String access = str(config, "aws_access_key");
        String secret = str(config, "aws_secret_access_key");
        String region = str(config, "aws_region");
        String service = str(config, "aws_service");
        String token = config.get("aws_session_token") instanceof StringValue t ? t.value() : null;

        byte[] body = new byte[0];
        if (req.get("raw_body") instanceof StringValue raw) body = raw.value().getBytes(StandardCharsets.UTF_8);
        else if (req.get("body") != null) body = Json.write(req.get("body")).getBytes(StandardCharsets.UTF_8);
        String payloadHash = unsignedPayload ? "UNSIGNED-PAYLOAD" : hex(sha256(body));

        URI uri;
        try {
            uri = new URI(url);
        } catch (java.net.URISyntaxException e) {
            throw BuiltinException.error("invalid url " + Operands.quote(url) + ": " + e.getMessage());
        }
        String host = uri.getRawAuthority() == null ? "" : uri.getRawAuthority();

        // signed headers: the request's own (lower-cased) plus host and the x-amz-* ones we set
        TreeMap<String, String> headers = new TreeMap<>();
        if (req.get("headers") instanceof ObjectValue given) {
            for (Map.Entry<Value, Value> h : given.entries().entrySet()) {
                if (h.getKey() instanceof StringValue k && h.getValue() instanceof StringValue v) {
                    headers.put(k.value().toLowerCase(java.util.Locale.ROOT), v.value());
                }
            }
        }
        String amzDate = AMZ_DATE.format(when);
        TreeMap<String, String> canonical = new TreeMap<>(headers);
        String existingSha = canonical.get("x-amz-content-sha256");
        canonical.put("host", host);
        canonical.put("x-amz-date", amzDate);
        // as OPA signs: a caller-supplied x-amz-content-sha256 is what the canonical headers carry
        canonical.put("x-amz-content-sha256", existingSha == null ? payloadHash : existingSha);
        if (token != null) canonical.put("x-amz-security-token", token);

        StringBuilder creq = new StringBuilder();
        creq.append(method).append('\n'); // OPA signs the method as written
        creq.append(canonicalPath(uri.getRawPath())).append('\n');
        creq.append(canonicalQuery(uri.getRawQuery())).append('\n');
        for (Map.Entry<String, String> h : canonical.entrySet()) {
            creq.append(h.getKey()).append(':').append(h.getValue().strip().replaceAll("\\s+", " ")).append('\n');
        }
        creq.append('\n');
        String signedHeaders = String.join(";", canonical.keySet());
        creq.append(signedHeaders).append('\n').append(payloadHash);

        String day = DAY.format(when);
        String scope = day + "/" + region + "/" + service + "/aws4_request";
        String toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + hex(sha256(creq.toString().getBytes(StandardCharsets.UTF_8)));
        byte[] key = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), day);
        key = hmac(key, region);
        key = hmac(key, service);
        key = hmac(key, "aws4_request");
        String signature = hex(hmac(key, toSign));

        TreeMap<Value, Value> outHeaders = new TreeMap<>();
        headers.forEach((k, v) -> outHeaders.put(StringValue.of(k), StringValue.of(v)));
        outHeaders.put(StringValue.of("host"), StringValue.of(host));
        outHeaders.put(StringValue.of("x-amz-date"), StringValue.of(amzDate));
        outHeaders.put(StringValue.of("x-amz-content-sha256"), StringValue.of(payloadHash));
        if (token != null) outHeaders.put(StringValue.of("x-amz-security-token"), StringValue.of(token));
        outHeaders.put(StringValue.of("Authorization"), StringValue.of("AWS4-HMAC-SHA256 Credential=" + access + "/" + scope
                + ",SignedHeaders=" + signedHeaders + ",Signature=" + signature));
        TreeMap<Value, Value> out = new TreeMap<>(req.entries());
        out.put(StringValue.of("headers"), ObjectValue.wrap(outHeaders));
        return ObjectValue.wrap(out);
    }

    private static String str(ObjectValue o, String k) {
        return ((StringValue) o.get(k)).value();
    }

    /** The path as OPA signs it: as written, empty when the URL has none. */
    private static String canonicalPath(String rawPath) {
        return rawPath == null ? "" : rawPath;
    }

    private static String canonicalQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) return "";
        TreeSet<String> pairs = new TreeSet<>();
        for (String p : rawQuery.split("&")) {
            if (p.isEmpty()) continue;
            int eq = p.indexOf('=');
            String k = eq < 0 ? p : p.substring(0, eq);
            String v = eq < 0 ? "" : p.substring(eq + 1);
            pairs.add(sigEscape(unescape(k)) + "=" + sigEscape(unescape(v)));
        }
        return String.join("&", pairs);
    }

    private static String unescape(String s) {
        try {
            return EncodingBuiltins.queryUnescape(s);
        } catch (BuiltinException e) {
            return s;
        }
    }

    /** RFC 3986 escaping as SigV4 requires (space as %20). */
    private static String sigEscape(String s) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c < 0x80 && (Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.' || c == '~')) sb.append((char) c);
            else sb.append('%').append(String.format("%02X", c));
        }
        return sb.toString();
    }

    private static byte[] sha256(byte[] b) throws BuiltinException {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw BuiltinException.error("SHA-256 unavailable");
        }
    }

    private static byte[] hmac(byte[] key, String data) throws BuiltinException {
        return CryptoBuiltins.mac("HmacSHA256", key, data.getBytes(StandardCharsets.UTF_8));
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
