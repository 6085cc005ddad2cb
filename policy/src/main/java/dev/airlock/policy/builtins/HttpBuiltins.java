package dev.airlock.policy.builtins;

import static dev.airlock.policy.types.Types.A;
import static dev.airlock.policy.types.Types.S;
import static dev.airlock.policy.types.Types.args;
import static dev.airlock.policy.types.Types.func;
import static dev.airlock.policy.types.Types.objectOf;

import dev.airlock.policy.value.ArrayValue;
import dev.airlock.policy.value.BoolValue;
import dev.airlock.policy.value.Json;
import dev.airlock.policy.value.NumberValue;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.StringValue;
import dev.airlock.policy.value.Value;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * http.send. Policy-initiated requests would bypass airlock's own egress enforcement, so the
 * builtin is flagged {@link Builtin.Flag#NETWORK} and refuses to run unless the engine enables
 * network builtins; request parameters are validated first, with OPA's messages.
 */
public final class HttpBuiltins {
    private HttpBuiltins() {}

    /** Largest response body read. */
    public static final int MAX_BODY = 8 << 20;
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private static final Set<String> KEYS = Set.of("method", "url", "body", "enable_redirect", "force_json_decode",
            "force_yaml_decode", "headers", "raw_body", "tls_use_system_certs", "tls_ca_cert", "tls_ca_cert_file",
            "tls_ca_cert_env_variable", "tls_client_cert", "tls_client_cert_env_variable", "tls_client_cert_file",
            "tls_client_key", "tls_client_key_env_variable", "tls_client_key_file", "tls_insecure_skip_verify",
            "tls_server_name", "timeout", "cache", "force_cache", "force_cache_duration_seconds", "raise_error",
            "caching_mode", "max_retry_attempts", "cache_ignored_headers");

    public static List<Builtin> declarations() {
        return List.of(Builtin.of("http.send", func(args(objectOf(S, A)), objectOf(A, A)),
                "Sends an HTTP request (disabled in airlock unless network builtins are enabled)",
                EnumSet.of(Builtin.Flag.NETWORK), (ctx, a) -> send(ctx, Operands.object(a, 1))));
    }

    private static Value send(BuiltinContext ctx, ObjectValue req) throws BuiltinException {
        TreeSet<String> invalid = new TreeSet<>();
        for (Value k : req.entries().keySet()) {
            if (!(k instanceof StringValue s) || !KEYS.contains(s.value())) invalid.add(Json.write(k instanceof StringValue ? k : StringValue.of(Json.write(k))));
        }
        if (!invalid.isEmpty()) throw BuiltinException.type("invalid request parameters(s): {" + String.join(", ", invalid) + "}");
        TreeSet<String> missing = new TreeSet<>();
        for (String required : List.of("method", "url")) if (req.get(required) == null) missing.add(Json.quote(required));
        if (!missing.isEmpty()) throw BuiltinException.type("missing required request parameters(s): {" + String.join(", ", missing) + "}");
        if (!ctx.networkEnabled()) {
            throw BuiltinException.error("http.send is disabled in airlock: policies may not open network connections "
                    + "(network builtins are off; requests leave only through the enforced egress path)");
        }
        return execute(req);
    }

    private static Value execute(ObjectValue req) throws BuiltinException {
        String method = text(req, "method").toUpperCase(java.util.Locale.ROOT);
        String url = text(req, "url");
        byte[] body = new byte[0];
        if (req.get("raw_body") instanceof StringValue raw) body = raw.value().getBytes(StandardCharsets.UTF_8);
        else if (req.get("body") != null) body = Json.write(req.get("body")).getBytes(StandardCharsets.UTF_8);
        Duration timeout = DEFAULT_TIMEOUT;
        if (req.get("timeout") instanceof StringValue t) timeout = Duration.ofNanos(TimeBuiltins.parseDuration(t.value()));
        else if (req.get("timeout") instanceof NumberValue n && n.toLongExact() != null) timeout = Duration.ofNanos(n.toLongExact());
        boolean redirects = req.get("enable_redirect") instanceof BoolValue b && b.value();
        boolean raise = !(req.get("raise_error") instanceof BoolValue b && !b.value());
        try {
            HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(url)).timeout(timeout)
                    .method(method, body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            if (req.get("headers") instanceof ObjectValue headers) {
                for (Map.Entry<Value, Value> h : headers.entries().entrySet()) {
                    if (h.getKey() instanceof StringValue k && h.getValue() instanceof StringValue v) rb.header(k.value(), v.value());
                }
            }
            HttpClient client = HttpClient.newBuilder().connectTimeout(timeout)
                    .followRedirects(redirects ? HttpClient.Redirect.NORMAL : HttpClient.Redirect.NEVER).build();
            HttpResponse<java.io.InputStream> resp = client.send(rb.build(), HttpResponse.BodyHandlers.ofInputStream());
            byte[] bytes;
            try (java.io.InputStream in = resp.body()) {
                bytes = in.readNBytes(MAX_BODY + 1);
            }
            if (bytes.length > MAX_BODY) throw BuiltinException.error("http.send: response body exceeds " + MAX_BODY + " bytes");
            return response(resp, bytes, req.get("force_json_decode") instanceof BoolValue fj && fj.value());
        } catch (IOException | IllegalArgumentException e) {
            if (raise) throw BuiltinException.error(method + " " + url + ": " + e.getMessage());
            return errorResponse(e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw BuiltinException.error(method + " " + url + ": interrupted");
        }
    }

    private static Value response(HttpResponse<?> resp, byte[] bytes, boolean forceJson) {
        TreeMap<Value, Value> m = new TreeMap<>();
        String raw = GoStrings.fromBytes(bytes);
        m.put(StringValue.of("status_code"), NumberValue.of(resp.statusCode()));
        m.put(StringValue.of("status"), StringValue.of(resp.statusCode() + ""));
        m.put(StringValue.of("raw_body"), StringValue.of(raw));
        Value body = dev.airlock.policy.value.NullValue.NULL;
        String type = resp.headers().firstValue("content-type").orElse("");
        if (forceJson || type.startsWith("application/json")) {
            try {
                body = Json.parse(raw);
            } catch (Json.ParseException e) {
                body = dev.airlock.policy.value.NullValue.NULL;
            }
        }
        m.put(StringValue.of("body"), body);
        TreeMap<Value, Value> headers = new TreeMap<>();
        resp.headers().map().forEach((k, vs) -> {
            List<Value> values = new ArrayList<>();
            vs.forEach(v -> values.add(StringValue.of(v)));
            headers.put(StringValue.of(k.toLowerCase(java.util.Locale.ROOT)), new ArrayValue(values));
        });
        m.put(StringValue.of("headers"), ObjectValue.wrap(headers));
        return ObjectValue.wrap(m);
    }

    private static Value errorResponse(String message) {
        TreeMap<Value, Value> m = new TreeMap<>();
        m.put(StringValue.of("status_code"), NumberValue.ZERO);
        m.put(StringValue.of("error"), ObjectValue.of("message", StringValue.of(message == null ? "" : message)));
        return ObjectValue.wrap(m);
    }

    private static String text(ObjectValue req, String key) throws BuiltinException {
        if (req.get(key) instanceof StringValue s) return s.value();
        throw BuiltinException.type("invalid request parameter " + Json.quote(key) + ": must be a string");
    }
}
