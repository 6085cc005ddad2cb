package dev.airlock.policy.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.policy.Decision;
import dev.airlock.policy.value.ArrayValue;
import dev.airlock.policy.value.BoolValue;
import dev.airlock.policy.value.Json;
import dev.airlock.policy.value.NumberValue;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.StringValue;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The client against response bodies as OPA's REST API reference documents them (Data API,
 * Query API, Performance Metrics, Provenance, Errors), served by a stand-in HTTP server. What
 * passes here is what a real OPA sends.
 */
class OpaDocsCompatibilityTest {
    private static final String ALLOW_REQUEST = "/v1/data/opa/examples/allow_request";
    private CannedOpa opa;
    private OpaRestEngine client;

    @BeforeEach
    void start() throws Exception {
        opa = new CannedOpa();
        client = new OpaRestEngine(OpaClientOptions.of(opa.url()).withRetries(2, Duration.ofMillis(5)));
    }

    @AfterEach
    void stop() {
        client.close();
        opa.close();
    }

    private static ObjectValue flag(boolean b) {
        return (ObjectValue) Fixtures.json("{\"example\": {\"flag\": " + b + "}}");
    }

    @Test
    void dataPostSendsInputAndReadsResult() throws Exception {
        opa.answer(ALLOW_REQUEST, 200, """
                {
                  "result": true
                }""");
        Decision d = client.evaluate("opa/examples/allow_request", flag(true));
        assertEquals(BoolValue.TRUE, d.result());
        assertNull(d.decisionId(), "OPA without decision logging sends no decision_id");

        var sent = opa.seen.getFirst();
        assertEquals("POST", sent.method());
        assertEquals(ALLOW_REQUEST + "?provenance=true", sent.uri());
        assertEquals("application/json", sent.contentType());
        assertEquals(Fixtures.json("{\"input\": {\"example\": {\"flag\": true}}}"), Json.parse(sent.body()));
    }

    @Test
    void undefinedIsEmptyObjectAndDenies() {
        opa.answer(ALLOW_REQUEST, 200, "{}");
        Decision d = client.evaluate("opa/examples/allow_request", flag(false));
        assertFalse(d.defined());
    }

    @Test
    void decisionIdIsCaptured() {
        opa.answer(ALLOW_REQUEST, 200, """
                {"decision_id": "9f5f1a9c-3d9e-4a28-9b8e-0c8f5d6b2e11", "result": true}""");
        assertEquals("9f5f1a9c-3d9e-4a28-9b8e-0c8f5d6b2e11", client.evaluate("opa/examples/allow_request", flag(true)).decisionId());
    }

    @Test
    void metricsAreToleratedAlongsideTheResult() {
        opa.answer("/v1/data/example", 200, """
                {
                  "metrics": {
                    "timer_rego_query_compile_ns": 69994,
                    "timer_rego_query_eval_ns": 48425,
                    "timer_rego_query_parse_ns": 4096
                  },
                  "result": {
                    "some_strings": [
                      "hello",
                      "world"
                    ]
                  }
                }""");
        ObjectValue r = (ObjectValue) client.evaluate("example", null).result();
        assertEquals(ArrayValue.of(StringValue.of("hello"), StringValue.of("world")), r.get("some_strings"));
        assertEquals("{}", opa.seen.getFirst().body(), "no input: an empty request object");
    }

    @Test
    void provenanceBundleRevisionBecomesTheDecisionRevision() {
        opa.answer("/v1/data/example", 200, """
                {
                  "provenance": {
                    "build_commit": "1955fc4d",
                    "build_host": "foo.com",
                    "build_timestamp": "2019-04-29T23:42:04Z",
                    "bundles": {
                      "authz": {
                        "revision": "ID-b1298a6c-6ad8-11e9-a26f-d38b5ceadad5"
                      }
                    },
                    "version": "0.10.8-dev"
                  },
                  "result": true
                }""");
        Decision d = client.evaluate("example", null);
        assertEquals("authz=ID-b1298a6c-6ad8-11e9-a26f-d38b5ceadad5", d.revision());
        assertEquals(d.revision(), client.revision());
    }

    @Test
    void errorBodyIsReadAndNotRetriedFor4xx() {
        opa.answer("/v1/data/example", 400, """
                {
                  "code": "invalid_parameter",
                  "message": "error(s) occurred while compiling module(s)",
                  "errors": [
                    {
                      "code": "rego_unsafe_var_error",
                      "message": "var x is unsafe",
                      "location": {
                        "file": "example",
                        "row": 3,
                        "col": 1
                      }
                    }
                  ]
                }""");
        OpaException e = assertThrows(OpaException.class, () -> client.evaluate("example", null));
        var f = assertInstanceOf(OpaFailure.HttpStatus.class, e.failure());
        assertEquals(400, f.status());
        assertEquals("invalid_parameter", f.error().code());
        assertEquals("rego_unsafe_var_error", f.error().errors().getFirst().code());
        assertEquals(3, f.error().errors().getFirst().location().row());
        assertEquals(1, opa.seen.size(), "4xx is the caller's fault: no retry");
        assertTrue(e.getMessage().contains("example:3:1: rego_unsafe_var_error: var x is unsafe"), e.getMessage());
    }

    @Test
    void adHocQueryResultSet() throws Exception {
        opa.answer("/v1/query", 200, """
                {
                  "result": [
                    {
                      "i": 3,
                      "name": "dev"
                    },
                    {
                      "i": 0,
                      "name": "app"
                    }
                  ]
                }""");
        var rows = client.query("data.servers[i].ports[_] = \"p2\"; data.servers[i].name = name", null);
        assertEquals(2, rows.size());
        assertEquals(NumberValue.of(3), rows.get(0).get("i"));
        assertEquals(StringValue.of("app"), rows.get(1).get("name"));
        assertEquals(StringValue.of("data.servers[i].ports[_] = \"p2\"; data.servers[i].name = name"),
                ((ObjectValue) Json.parse(opa.seen.getFirst().body())).get("query"));
    }

    @Test
    void notOpaAtAllFailsClosedWithTheBodyQuoted() {
        // Nothing registered at this path: the stand-in answers like Go's default mux.
        OpaException e = assertThrows(OpaException.class, () -> client.evaluate("nowhere", null));
        assertTrue(e.getMessage().contains("answered HTTP 404 (404 page not found)"), e.getMessage());

        opa.answer("/v1/data/html", 200, "<html>proxy login</html>", Map.of("Content-Type", "text/html"));
        var bad = assertThrows(OpaException.class, () -> client.evaluate("html", null));
        assertInstanceOf(OpaFailure.BadResponse.class, bad.failure());

        opa.answer("/v1/data/array", 200, "[true]");
        var notObject = assertThrows(OpaException.class, () -> client.evaluate("array", null));
        assertTrue(notObject.getMessage().contains("body is a JSON array, expected an object"), notObject.getMessage());
    }

    @Test
    void oversizedResponseIsRefused() {
        opa.answer("/v1/data/big", 200, "{\"result\": \"" + "x".repeat(4096) + "\"}");
        try (OpaRestEngine small = new OpaRestEngine(OpaClientOptions.of(opa.url()).withMaxResponseBytes(1024))) {
            OpaException e = assertThrows(OpaException.class, () -> small.evaluate("big", null));
            assertTrue(e.getMessage().contains("larger than 1024 bytes"), e.getMessage());
        }
    }

    @Test
    void redirectsAreNotFollowed() throws Exception {
        try (CannedOpa elsewhere = new CannedOpa().answer("/v1/data/example", 200, "{\"result\": true}")) {
            opa.answer("/v1/data/example", 307, "", Map.of("Location", elsewhere.url() + "/v1/data/example"));
            OpaException e = assertThrows(OpaException.class, () -> client.evaluate("example", null));
            assertEquals(307, assertInstanceOf(OpaFailure.HttpStatus.class, e.failure()).status());
            assertTrue(elsewhere.seen.isEmpty(), "nothing was sent anywhere but the configured URL");
        }
    }
}
