package dev.airlock.policy.rest;

import dev.airlock.policy.Decision;
import dev.airlock.policy.ast.RegoException;
import dev.airlock.policy.value.ArrayValue;
import dev.airlock.policy.value.BoolValue;
import dev.airlock.policy.value.Json;
import dev.airlock.policy.value.NumberValue;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.StringValue;
import dev.airlock.policy.value.Value;
import java.io.ByteArrayOutputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * OPA's REST API over a {@link PolicyStore}, with OPA's request and response shapes (see
 * {@code docs/opa.md} for the endpoint list): the Data API ({@code /v1/data}), the Policy API
 * ({@code /v1/policies}), the Query API ({@code /v1/query} and {@code POST /}) and the Health API.
 *
 * <p>Every failure is an HTTP status with OPA's error body; a malformed request is a 400 that
 * says what was wrong, and an unexpected exception is a 500, never a dropped connection.
 */
public final class OpaApi {
    private static final String VERSION = versionOf();

    private final PolicyStore store;
    private final boolean decisionIds;

    /**
     * @param decisionIds give every Data API decision a {@code decision_id} (OPA does so when
     *                    decision logging is on; airlock's server does by default)
     */
    public OpaApi(PolicyStore store, boolean decisionIds) {
        this.store = store;
        this.decisionIds = decisionIds;
    }

    public PolicyStore store() {
        return store;
    }

    public ApiResponse handle(ApiRequest req) {
        long start = System.nanoTime();
        boolean pretty = req.flag("pretty");
        try {
            return route(req, start, pretty);
        } catch (ApiError e) {
            return new ApiResponse(e.status, JsonText.write(e.body.toValue(), pretty));
        } catch (RuntimeException | StackOverflowError e) {
            // A bug or an engine failure we did not foresee: answer, and keep serving.
            String what = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            return new ApiResponse(500, JsonText.write(new OpaErrorBody(OpaErrorBody.INTERNAL, what).toValue(), pretty));
        }
    }

    private ApiResponse route(ApiRequest req, long start, boolean pretty) {
        String path = req.rawPath();
        String method = req.method();
        if (path.equals("/health")) {
            allow(req, "GET");
            return json(200, ObjectValue.EMPTY, pretty);
        }
        if (path.startsWith("/health/")) {
            allow(req, "GET");
            return health(decodeSegments(path.substring("/health/".length())), pretty);
        }
        if (path.equals("/v1/data") || path.startsWith("/v1/data/")) {
            allow(req, "GET", "POST");
            return data(req, decodeSegments(path.substring("/v1/data".length())), start, pretty);
        }
        if (path.equals("/v1/policies") || path.equals("/v1/policies/")) {
            allow(req, "GET");
            return listPolicies(pretty);
        }
        if (path.startsWith("/v1/policies/")) {
            allow(req, "GET", "PUT", "DELETE");
            String id = decode(path.substring("/v1/policies/".length()));
            return switch (method) {
                case "GET" -> getPolicy(id, pretty);
                case "PUT" -> putPolicy(req, id, start, pretty);
                default -> deletePolicy(req, id, start, pretty);
            };
        }
        if (path.equals("/v1/query")) {
            allow(req, "GET", "POST");
            return query(req, start, pretty);
        }
        if (path.equals("/")) {
            allow(req, "POST");
            return simpleQuery(req, pretty);
        }
        throw new ApiError(404, new OpaErrorBody(OpaErrorBody.RESOURCE_NOT_FOUND, "no such endpoint: " + path));
    }

    private static void allow(ApiRequest req, String... methods) {
        for (String m : methods) if (m.equals(req.method())) return;
        throw new ApiError(405, new OpaErrorBody(OpaErrorBody.INVALID_OPERATION,
                "method " + req.method() + " is not allowed on " + req.rawPath() + " (allowed: " + String.join(", ", methods) + ")"));
    }

    // ---- Data API -------------------------------------------------------------------------

    private ApiResponse data(ApiRequest req, List<String> segments, long start, boolean pretty) {
        TreeMap<Value, Value> out = new TreeMap<>();
        TreeMap<Value, Value> metrics = new TreeMap<>();
        Value input = null;
        long parseStart = System.nanoTime();
        if (req.method().equals("POST")) {
            Value body = parseBody(req, "request body");
            if (body != null) {
                if (!(body instanceof ObjectValue o)) {
                    throw ApiError.badRequest("request body must be a JSON object such as {\"input\": ...}, not a JSON " + body.typeName());
                }
                input = o.get("input");
                if (input == null) {
                    out.put(str("warning"), object("code", str("api_usage_warning"), "message", str("'input' key missing from the request")));
                }
            }
        } else if (req.param("input") != null) {
            input = parseJson(req.param("input"), "input parameter");
        }
        if (input != null) metrics.put(str("timer_rego_input_parse_ns"), NumberValue.of(System.nanoTime() - parseStart));

        Decision decision = evaluate(segments, input);
        if (decision.defined()) out.put(str("result"), decision.result());
        if (decisionIds) out.put(str("decision_id"), str(UUID.randomUUID().toString()));
        if (req.flag("provenance")) {
            out.put(str("provenance"), object("version", str(VERSION), "revision", str(decision.revision())));
        }
        if (req.flag("metrics")) {
            metrics.put(str("timer_rego_query_eval_ns"), NumberValue.of(decision.evalNanos()));
            metrics.put(str("timer_server_handler_ns"), NumberValue.of(System.nanoTime() - start));
            out.put(str("metrics"), ObjectValue.wrap(metrics));
        }
        return json(200, ObjectValue.wrap(out), pretty);
    }

    /** Evaluates data at the path; a segment is one key, even when it holds '.' ("example.com"). */
    private Decision evaluate(List<String> segments, Value input) {
        try {
            return store.engine().evaluate(segments, input);
        } catch (RegoException e) {
            throw regoError(e, OpaErrorBody.MSG_COMPILE_QUERY);
        }
    }

    // ---- Policy API -----------------------------------------------------------------------

    private ApiResponse listPolicies(boolean pretty) {
        List<Value> items = new ArrayList<>();
        store.modules().forEach((id, raw) -> items.add(policy(id, raw)));
        return json(200, object("result", new ArrayValue(items)), pretty);
    }

    private ApiResponse getPolicy(String id, boolean pretty) {
        String raw = store.modules().get(id);
        if (raw == null) throw policyNotFound(id);
        return json(200, object("result", policy(id, raw)), pretty);
    }

    private ApiResponse putPolicy(ApiRequest req, String id, long start, boolean pretty) {
        if (id.isEmpty()) throw ApiError.badRequest("policy id is missing: PUT /v1/policies/<id>");
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(req.body())).toString();
        } catch (CharacterCodingException e) {
            throw ApiError.badRequest("policy text is not valid UTF-8");
        }
        long compileStart = System.nanoTime();
        try {
            store.put(id, text);
        } catch (RegoException e) {
            throw regoError(e, OpaErrorBody.MSG_COMPILE_MODULE);
        }
        return policyChanged(req, compileStart, start, pretty);
    }

    private ApiResponse deletePolicy(ApiRequest req, String id, long start, boolean pretty) {
        long compileStart = System.nanoTime();
        try {
            if (!store.delete(id)) throw policyNotFound(id);
        } catch (RegoException e) {
            throw regoError(e, OpaErrorBody.MSG_COMPILE_MODULE);
        }
        return policyChanged(req, compileStart, start, pretty);
    }

    private ApiResponse policyChanged(ApiRequest req, long compileStart, long start, boolean pretty) {
        if (!req.flag("metrics")) return json(200, ObjectValue.EMPTY, pretty);
        long now = System.nanoTime();
        return json(200, object("metrics", object(
                "timer_rego_module_compile_ns", NumberValue.of(now - compileStart),
                "timer_server_handler_ns", NumberValue.of(now - start))), pretty);
    }

    private static ApiError policyNotFound(String id) {
        return new ApiError(404, new OpaErrorBody(OpaErrorBody.RESOURCE_NOT_FOUND,
                "storage_not_found_error: policy id " + Json.quote(id)));
    }

    /** OPA also returns the module's AST; airlock's server returns id and raw text only. */
    private static Value policy(String id, String raw) {
        return object("id", str(id), "raw", str(raw));
    }

    // ---- Query API ------------------------------------------------------------------------

    private ApiResponse query(ApiRequest req, long start, boolean pretty) {
        String text;
        Value input = null;
        if (req.method().equals("GET")) {
            text = req.param("q");
            if (text == null) throw ApiError.badRequest("missing query: GET /v1/query?q=<rego query>");
        } else {
            Value body = parseBody(req, "request body");
            if (!(body instanceof ObjectValue o)) {
                throw ApiError.badRequest("request body must be a JSON object such as {\"query\": \"...\", \"input\": ...}");
            }
            if (!(o.get("query") instanceof StringValue q)) {
                throw ApiError.badRequest("request body needs a \"query\" string");
            }
            text = q.value();
            input = o.get("input");
        }
        long evalStart = System.nanoTime();
        List<Map<String, Value>> rows;
        try {
            rows = store.query(text, input);
        } catch (RegoException e) {
            boolean parse = e.errors().stream().anyMatch(x -> x.code().equals(dev.airlock.policy.ast.RegoError.PARSE));
            throw regoError(e, parse ? OpaErrorBody.MSG_PARSE_QUERY : OpaErrorBody.MSG_COMPILE_QUERY);
        }
        long evalNanos = System.nanoTime() - evalStart;
        TreeMap<Value, Value> out = new TreeMap<>();
        if (!rows.isEmpty()) {
            List<Value> items = new ArrayList<>(rows.size());
            for (Map<String, Value> row : rows) {
                TreeMap<Value, Value> bindings = new TreeMap<>();
                row.forEach((k, v) -> bindings.put(str(k), v));
                items.add(ObjectValue.wrap(bindings));
            }
            out.put(str("result"), new ArrayValue(items));
        }
        if (req.flag("metrics")) {
            out.put(str("metrics"), object("timer_rego_query_eval_ns", NumberValue.of(evalNanos),
                    "timer_server_handler_ns", NumberValue.of(System.nanoTime() - start)));
        }
        return json(200, ObjectValue.wrap(out), pretty);
    }

    /** {@code POST /}: the body is the input, {@code data.system.main} the answer, written bare. */
    private ApiResponse simpleQuery(ApiRequest req, boolean pretty) {
        Value input = parseBody(req, "request body");
        Decision d = evaluate(List.of("system", "main"), input);
        if (!d.defined()) {
            throw new ApiError(404, new OpaErrorBody(OpaErrorBody.UNDEFINED_DOCUMENT,
                    OpaErrorBody.MSG_UNDEFINED + ": data.system.main"));
        }
        return json(200, d.result(), pretty);
    }

    // ---- Health API -----------------------------------------------------------------------

    /** {@code /health/<rule>}: healthy when {@code data.system.health.<rule>} is true. */
    private ApiResponse health(List<String> rule, boolean pretty) {
        List<String> path = new ArrayList<>(List.of("system", "health"));
        path.addAll(rule);
        String where = "data." + String.join(".", path);
        Decision d;
        try {
            d = evaluate(path, null);
        } catch (ApiError e) {
            return json(500, object("error", str("unable to perform evaluation: " + e.getMessage())), pretty);
        }
        if (!d.defined()) return json(500, object("error", str("health policy was undefined at " + where)), pretty);
        if (!BoolValue.TRUE.equals(d.result())) return json(500, object("error", str("health policy was not true at " + where)), pretty);
        return json(200, ObjectValue.EMPTY, pretty);
    }

    // ---- helpers --------------------------------------------------------------------------

    /** Policy errors (parse, compile, type, safety) are the caller's: 400. Evaluation errors: 500. */
    private static ApiError regoError(RegoException e, String message) {
        boolean callers = e.errors().stream().allMatch(x -> x.code().startsWith("rego_")
                || x.code().equals(dev.airlock.policy.ast.RegoError.INVALID_INPUT));
        if (callers) return new ApiError(400, new OpaErrorBody(OpaErrorBody.INVALID_PARAMETER, message, e.errors()));
        return new ApiError(500, new OpaErrorBody(OpaErrorBody.INTERNAL, e.getMessage(), e.errors()));
    }

    /** The body as JSON, or null when it is empty; 400 when it is not JSON. */
    private static Value parseBody(ApiRequest req, String what) {
        String text = req.bodyText();
        if (text.isBlank()) return null;
        return parseJson(text, what);
    }

    private static Value parseJson(String text, String what) {
        try {
            return Json.parse(text);
        } catch (Json.ParseException e) {
            throw ApiError.badRequest(what + " is not valid JSON: " + e.getMessage());
        }
    }

    /** Splits a raw path on '/' and percent-decodes each segment (so %2F stays inside its segment). */
    private static List<String> decodeSegments(String raw) {
        List<String> out = new ArrayList<>();
        for (String seg : raw.split("/")) {
            if (!seg.isEmpty()) out.add(decode(seg));
        }
        return out;
    }

    /** Percent-decoding for paths: '+' is a plus, not a space; a broken escape is a 400. */
    static String decode(String raw) {
        if (raw.indexOf('%') < 0) return raw;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                int hi = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
                int lo = hi >= 0 ? Character.digit(raw.charAt(i + 2), 16) : -1;
                if (lo < 0) throw ApiError.badRequest("malformed percent-escape in URL path: " + raw);
                bytes.write(hi << 4 | lo);
                i += 2;
            } else {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static ApiResponse json(int status, Value body, boolean pretty) {
        return new ApiResponse(status, JsonText.write(body, pretty));
    }

    private static StringValue str(String s) {
        return StringValue.of(s);
    }

    private static ObjectValue object(Object... kv) {
        TreeMap<Value, Value> m = new TreeMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(str((String) kv[i]), (Value) kv[i + 1]);
        return ObjectValue.wrap(m);
    }

    private static String versionOf() {
        String v = OpaApi.class.getPackage().getImplementationVersion();
        return "airlock-" + (v == null ? "dev" : v);
    }
}
