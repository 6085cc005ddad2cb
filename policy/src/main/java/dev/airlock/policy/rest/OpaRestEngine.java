package dev.airlock.policy.rest;

import dev.airlock.policy.Decision;
import dev.airlock.policy.PolicyEngine;
import dev.airlock.policy.value.ArrayValue;
import dev.airlock.policy.value.Json;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.StringValue;
import dev.airlock.policy.value.Value;
import java.io.IOException;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A {@link PolicyEngine} that asks a remote OPA over its REST API:
 * {@code POST /v1/data/{path}} with {@code {"input": ...}}, and {@code POST /v1/query} for
 * ad-hoc queries.
 *
 * <p>Fail closed: an undefined document (OPA answers {@code {}}) is a {@link Decision} whose
 * result is null, which callers deny; anything else that is not a 200 with a JSON object is an
 * {@link OpaException} saying what happened. Connection failures and HTTP 5xx are retried
 * (these requests only read, so a retry is safe) with doubling backoff, all within
 * {@link OpaClientOptions#deadline()}; timeouts are not retried, since a server too slow to
 * answer once will not be helped by a second request.
 *
 * <p>Requests go only to the configured URL: no proxy, no redirects, path segments
 * percent-encoded so a policy path cannot change the URL's shape.
 */
public final class OpaRestEngine implements PolicyEngine, AutoCloseable {
    private final OpaClientOptions options;
    private final URI base;
    private final String display;
    private final HttpClient http;
    /** The last bundle revision OPA reported through provenance ("" until one is seen). */
    private volatile String revision = "";

    public OpaRestEngine(OpaClientOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        String raw = options.url().toString();
        this.base = URI.create(raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw);
        this.display = base.toString();
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER)
                .proxy(HttpClient.Builder.NO_PROXY)
                .connectTimeout(options.timeout())
                .build();
    }

    public OpaClientOptions options() {
        return options;
    }

    @Override
    public Decision evaluate(String path, Value input) {
        long start = System.nanoTime();
        URI uri = endpoint("/v1/data" + encodePath(path) + (options.provenance() ? "?provenance=true" : ""));
        String body = input == null ? "{}" : "{\"input\":" + Json.write(input) + "}";
        ObjectValue response = post(uri, body);
        Value result = response.get("result");
        String decisionId = response.get("decision_id") instanceof StringValue s ? s.value() : null;
        if (response.get("provenance") instanceof ObjectValue p) revision = revisionOf(p);
        // OPA's policy is out of sight: whether it reads the clock or the network is unknown, and
        // its decisions are taken as deterministic (docs/opa.md, "The decision cache").
        return new Decision(path, result, revision, System.nanoTime() - start, decisionId, true);
    }

    @Override
    public List<Map<String, Value>> query(String rego, Value input) {
        StringBuilder body = new StringBuilder("{\"query\":");
        Json.quote(body, rego);
        if (input != null) Json.write(body.append(",\"input\":"), input);
        body.append('}');
        ObjectValue response = post(endpoint("/v1/query"), body.toString());
        Value result = response.get("result");
        if (result == null) return List.of();
        if (!(result instanceof ArrayValue rows)) {
            throw new OpaException(new OpaFailure.BadResponse(display, "query result is a " + result.typeName() + ", expected an array"));
        }
        List<Map<String, Value>> out = new ArrayList<>(rows.size());
        for (Value row : rows.elements()) {
            if (!(row instanceof ObjectValue o)) {
                throw new OpaException(new OpaFailure.BadResponse(display, "query result row is a " + row.typeName() + ", expected an object"));
            }
            Map<String, Value> bindings = new LinkedHashMap<>();
            o.entries().forEach((k, v) -> bindings.put(k instanceof StringValue s ? s.value() : Json.write(k), v));
            out.add(bindings);
        }
        return out;
    }

    /** The last revision OPA reported (bundle revisions, or the legacy manifest revision); "" when unknown. */
    @Override
    public String revision() {
        return revision;
    }

    @Override
    public void close() {
        http.close();
    }

    private ObjectValue post(URI uri, String body) {
        long deadline = System.nanoTime() + options.deadline().toNanos();
        Duration backoff = options.backoff();
        OpaFailure last = null;
        int attempt = 0;
        while (attempt < options.maxAttempts()) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) break;
            attempt++;
            long budget = Math.min(options.timeout().toNanos(), remaining);
            HttpRequest request = HttpRequest.newBuilder(uri)
                    .timeout(Duration.ofNanos(budget))
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                    .build();
            CompletableFuture<HttpResponse<byte[]>> pending =
                    http.sendAsync(request, info -> new LimitedBodySubscriber(options.maxResponseBytes()));
            HttpResponse<byte[]> response;
            try {
                // The request timeout stops at the response headers; this bounds the body too.
                response = pending.get(budget, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                pending.cancel(true);
                throw new OpaException(new OpaFailure.TimedOut(display, Duration.ofNanos(budget), attempt));
            } catch (InterruptedException e) {
                pending.cancel(true);
                Thread.currentThread().interrupt();
                throw new OpaException(new OpaFailure.Unreachable(display, "interrupted while waiting for OPA", attempt));
            } catch (ExecutionException e) {
                Throwable cause = e.getCause() == null ? e : e.getCause();
                switch (cause) {
                    case HttpConnectTimeoutException t ->
                            throw new OpaException(new OpaFailure.TimedOut(display, Duration.ofNanos(budget), attempt));
                    case HttpTimeoutException t ->
                            throw new OpaException(new OpaFailure.TimedOut(display, Duration.ofNanos(budget), attempt));
                    case LimitedBodySubscriber.TooLarge t ->
                            throw new OpaException(new OpaFailure.BadResponse(display, t.getMessage()));
                    default -> last = new OpaFailure.Unreachable(display, describe(cause), attempt);
                }
                backoff = pause(backoff, deadline);
                continue;
            }
            int status = response.statusCode();
            if (status == 200) return parse(response.body());
            OpaFailure.HttpStatus failure = new OpaFailure.HttpStatus(display, status, errorBody(response.body()), attempt);
            if (status < 500) throw new OpaException(failure);
            last = failure;
            backoff = pause(backoff, deadline);
        }
        if (last == null) {
            throw new OpaException(new OpaFailure.TimedOut(display, options.deadline(), attempt));
        }
        throw new OpaException(withAttempts(last, attempt));
    }

    private static OpaFailure withAttempts(OpaFailure f, int attempts) {
        return switch (f) {
            case OpaFailure.Unreachable u -> new OpaFailure.Unreachable(u.url(), u.cause(), attempts);
            case OpaFailure.HttpStatus h -> new OpaFailure.HttpStatus(h.url(), h.status(), h.error(), attempts);
            default -> f;
        };
    }

    /** Sleeps for the backoff unless that would pass the deadline; returns the next backoff. */
    private static Duration pause(Duration backoff, long deadline) {
        long sleep = Math.min(backoff.toNanos(), deadline - System.nanoTime());
        if (sleep > 0) {
            try {
                Thread.sleep(Duration.ofNanos(sleep));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return backoff.multipliedBy(2);
    }

    private static String describe(Throwable t) {
        String name = switch (t) {
            case java.net.ConnectException c -> "connection refused";
            case java.nio.channels.ClosedChannelException c -> "connection closed";
            case IOException io when io.getMessage() != null && !io.getMessage().isBlank() -> io.getMessage();
            default -> t.getClass().getSimpleName();
        };
        return name;
    }

    private ObjectValue parse(byte[] body) {
        Value v;
        try {
            v = Json.parse(new String(body, StandardCharsets.UTF_8));
        } catch (Json.ParseException e) {
            throw new OpaException(new OpaFailure.BadResponse(display, e.getMessage()));
        }
        if (!(v instanceof ObjectValue o)) {
            throw new OpaException(new OpaFailure.BadResponse(display, "body is a JSON " + v.typeName() + ", expected an object"));
        }
        return o;
    }

    /** An error body as OPA writes it; a body that is not one still yields a (shortened) message. */
    private static OpaErrorBody errorBody(byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        try {
            OpaErrorBody parsed = OpaErrorBody.from(Json.parse(text));
            if (!parsed.describe().isEmpty()) return parsed;
        } catch (Json.ParseException e) {
            // not JSON: fall through and quote the start of the text
        }
        String trimmed = text.strip();
        if (trimmed.length() > 200) trimmed = trimmed.substring(0, 200) + "...";
        return new OpaErrorBody("", trimmed);
    }

    /** OPA reports bundle revisions under provenance.bundles, or one legacy provenance.revision. */
    private static String revisionOf(ObjectValue provenance) {
        if (provenance.get("bundles") instanceof ObjectValue bundles && bundles.size() > 0) {
            StringJoiner j = new StringJoiner(",");
            bundles.entries().forEach((name, b) -> {
                String rev = b instanceof ObjectValue bo && bo.get("revision") instanceof StringValue s ? s.value() : "";
                j.add((name instanceof StringValue n ? n.value() : Json.write(name)) + "=" + rev);
            });
            return j.toString();
        }
        return provenance.get("revision") instanceof StringValue s ? s.value() : "";
    }

    private URI endpoint(String suffix) {
        URI uri = URI.create(display + suffix);
        // Defence in depth: whatever the path held, the request stays on the configured origin.
        if (!Objects.equals(uri.getScheme(), base.getScheme()) || !Objects.equals(uri.getHost(), base.getHost())
                || uri.getPort() != base.getPort() || uri.getRawUserInfo() != null) {
            throw new OpaException(new OpaFailure.InvalidRequest("request URL " + uri + " leaves " + display));
        }
        return uri;
    }

    /**
     * "/seg/seg" for a slash- or dot-separated policy path, each segment percent-encoded so
     * that no segment can add path levels, a query or a fragment.
     */
    static String encodePath(String path) {
        if (path == null) throw new OpaException(new OpaFailure.InvalidRequest("policy path is missing"));
        StringBuilder sb = new StringBuilder();
        for (String seg : path.split("[/.]")) {
            if (seg.isEmpty()) continue;
            sb.append('/');
            for (byte b : seg.getBytes(StandardCharsets.UTF_8)) {
                int c = b & 0xff;
                if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '~') {
                    sb.append((char) c);
                } else {
                    sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
                }
            }
        }
        return sb.toString();
    }
}
