package dev.airlock.policy.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.policy.value.ArrayValue;
import dev.airlock.policy.value.BoolValue;
import dev.airlock.policy.value.NumberValue;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.StringValue;
import dev.airlock.policy.value.Value;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** OPA's REST API shapes, checked over real HTTP on loopback with the JDK client. */
class OpaServerTest {
    private static final String DECISION = "/v1/data/airlock/egress/decision";
    private ServerHarness h;

    @BeforeEach
    void start() throws Exception {
        h = new ServerHarness(true);
    }

    @AfterEach
    void stop() {
        h.close();
    }

    private static String inputBody(String host) {
        return "{\"input\": " + Fixtures.input(host) + "}";
    }

    @Test
    void postDataAllowsAndDeniesWithADecisionId() throws Exception {
        var allowed = h.post(DECISION, inputBody("github.com"));
        assertEquals(200, allowed.status());
        ObjectValue result = (ObjectValue) allowed.json().get("result");
        assertEquals(BoolValue.TRUE, result.get("allow"));
        String id = ((StringValue) allowed.json().get("decision_id")).value();
        assertEquals(id, UUID.fromString(id).toString(), "decision ids are UUIDs");

        var denied = h.post(DECISION, inputBody("evil.example"));
        ObjectValue d = (ObjectValue) denied.json().get("result");
        assertEquals(BoolValue.FALSE, d.get("allow"));
        assertNotEquals(id, ((StringValue) denied.json().get("decision_id")).value(), "each decision has its own id");
    }

    @Test
    void undefinedDocumentIsAnObjectWithoutResult() throws Exception {
        var r = h.post("/v1/data/airlock/egress/no_such_rule", inputBody("github.com"));
        assertEquals(200, r.status());
        assertNull(r.json().get("result"));
        assertEquals(1, r.json().size(), "only decision_id: " + r.body());

        try (ServerHarness quiet = new ServerHarness(false)) {
            var q = quiet.post("/v1/data/airlock/egress/no_such_rule", inputBody("github.com"));
            assertEquals("{}", q.body(), "OPA's undefined answer when decision ids are off");
            assertNull(quiet.post(DECISION, inputBody("github.com")).json().get("decision_id"));
        }
    }

    @Test
    void metricsUseOpaTimerNames() throws Exception {
        var r = h.post(DECISION + "?metrics", inputBody("github.com"));
        ObjectValue m = (ObjectValue) r.json().get("metrics");
        for (String timer : new String[] {"timer_rego_query_eval_ns", "timer_server_handler_ns", "timer_rego_input_parse_ns"}) {
            NumberValue n = assertInstanceOf(NumberValue.class, m.get(timer), timer + " in " + r.body());
            assertTrue(n.value().signum() > 0, timer);
        }
        assertNull(h.post(DECISION + "?metrics=false", inputBody("github.com")).json().get("metrics"));
    }

    @Test
    void prettyIndentsTheSameDocument() throws Exception {
        var compact = h.get("/v1/data/allowed_hosts");
        var pretty = h.get("/v1/data/allowed_hosts?pretty=true");
        assertFalse(compact.body().contains("\n"));
        assertTrue(pretty.body().contains("\n  \"result\": [\n    \"api.openai.com\",\n"), pretty.body());
        assertEquals(compact.json().get("result"), pretty.json().get("result"));
    }

    @Test
    void getDataServesBaseAndVirtualDocuments() throws Exception {
        ObjectValue whole = (ObjectValue) h.get("/v1/data").json().get("result");
        assertEquals(Fixtures.data().toString(), ObjectValue.of(java.util.Map.of(StringValue.of("allowed_hosts"),
                whole.get("allowed_hosts"))).toString());
        ObjectValue egress = (ObjectValue) ((ObjectValue) whole.get("airlock")).get("egress");
        assertEquals(StringValue.of("api.openai.com"), egress.get("first_host"));

        var withInput = h.get("/v1/data/airlock/egress/decision?input=" + java.net.URLEncoder.encode(
                Fixtures.input("github.com").toString(), java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(BoolValue.TRUE, ((ObjectValue) withInput.json().get("result")).get("allow"));

        var root = h.post("/v1/data", inputBody("github.com"));
        ObjectValue rootResult = (ObjectValue) root.json().get("result");
        ObjectValue decision = (ObjectValue) ((ObjectValue) ((ObjectValue) rootResult.get("airlock")).get("egress")).get("decision");
        assertEquals(BoolValue.TRUE, decision.get("allow"));
    }

    @Test
    void aPathSegmentIsOneKeyEvenWithDotsOrAnEscapedSlash() throws Exception {
        h.store.put("keys.rego", """
                package keys

                hosts := {"example.com": "dotted", "a/b": "slashed", "example": {"com": "nested"}}
                """);
        assertEquals(StringValue.of("dotted"), h.get("/v1/data/keys/hosts/example.com").json().get("result"));
        assertEquals(StringValue.of("slashed"), h.get("/v1/data/keys/hosts/a%2Fb").json().get("result"));
        assertEquals(StringValue.of("nested"), h.get("/v1/data/keys/hosts/example/com").json().get("result"));
    }

    @Test
    void bodyWithoutInputKeyWarnsLikeOpa() throws Exception {
        var r = h.post(DECISION, "{\"destination\": {\"host\": \"github.com\"}}");
        assertEquals(200, r.status());
        ObjectValue w = (ObjectValue) r.json().get("warning");
        assertEquals(StringValue.of("api_usage_warning"), w.get("code"));
        assertEquals(BoolValue.FALSE, ((ObjectValue) r.json().get("result")).get("allow"), "no input: default deny");
    }

    @Test
    void malformedBodiesAre400WithAReason() throws Exception {
        var bad = h.post(DECISION, "{\"input\": {\"destination\": ");
        assertEquals(400, bad.status());
        assertEquals(StringValue.of("invalid_parameter"), bad.json().get("code"));
        assertTrue(((StringValue) bad.json().get("message")).value().contains("not valid JSON"), bad.body());

        var notObject = h.post(DECISION, "[1, 2]");
        assertEquals(400, notObject.status());
        assertTrue(notObject.body().contains("must be a JSON object"), notObject.body());

        var badInputParam = h.get("/v1/data/x?input=%7Bnope");
        assertEquals(400, badInputParam.status());

        assertEquals(200, h.get("/health").status(), "still serving");
    }

    @Test
    void putPolicyWithErrorsIs400InOpaShapeAndChangesNothing() throws Exception {
        String before = h.store.revision();
        var r = h.send("PUT", "/v1/policies/" + Fixtures.EGRESS_ID, "package airlock.egress\n\ndecision := {\n");
        assertEquals(400, r.status());
        ObjectValue body = r.json();
        assertEquals(StringValue.of("invalid_parameter"), body.get("code"));
        assertEquals(StringValue.of("error(s) occurred while compiling module(s)"), body.get("message"));
        ObjectValue err = (ObjectValue) ((ArrayValue) body.get("errors")).get(0);
        assertEquals(StringValue.of("rego_parse_error"), err.get("code"));
        ObjectValue loc = (ObjectValue) err.get("location");
        assertEquals(StringValue.of(Fixtures.EGRESS_ID), loc.get("file"));
        assertTrue(((NumberValue) loc.get("row")).value().intValue() >= 3, r.body());
        assertEquals(before, h.store.revision());
        assertEquals(BoolValue.TRUE, ((ObjectValue) h.post(DECISION, inputBody("github.com")).json().get("result")).get("allow"));
    }

    @Test
    void policyLifecycle() throws Exception {
        String before = h.store.revision();
        var put = h.send("PUT", "/v1/policies/" + Fixtures.EGRESS_ID, Fixtures.EGRESS_LOCKDOWN);
        assertEquals(200, put.status(), put.body());
        assertEquals("{}", put.body());
        assertNotEquals(before, h.store.revision());
        ObjectValue now = (ObjectValue) h.post(DECISION, inputBody("github.com")).json().get("result");
        assertEquals(StringValue.of("lockdown"), now.get("reason"));

        var added = h.send("PUT", "/v1/policies/extra/team.rego?metrics", "package team\n\nowner := \"infra\"\n");
        assertInstanceOf(NumberValue.class, ((ObjectValue) added.json().get("metrics")).get("timer_rego_module_compile_ns"));
        ArrayValue list = (ArrayValue) h.get("/v1/policies").json().get("result");
        assertEquals(2, list.size());
        assertEquals(StringValue.of("extra/team.rego"), ((ObjectValue) list.get(1)).get("id"));

        ObjectValue one = (ObjectValue) h.get("/v1/policies/extra/team.rego").json().get("result");
        assertEquals(StringValue.of("package team\n\nowner := \"infra\"\n"), one.get("raw"));
        assertEquals(StringValue.of("infra"), h.get("/v1/data/team/owner").json().get("result"));

        assertEquals(200, h.send("DELETE", "/v1/policies/extra/team.rego", null).status());
        var gone = h.get("/v1/policies/extra/team.rego");
        assertEquals(404, gone.status());
        assertEquals(StringValue.of("resource_not_found"), gone.json().get("code"));
        assertEquals(404, h.send("DELETE", "/v1/policies/extra/team.rego", null).status());
        assertNull(h.get("/v1/data/team/owner").json().get("result"));
    }

    @Test
    void queryApiReturnsBindings() throws Exception {
        var r = h.post("/v1/query", "{\"query\": \"host := data.allowed_hosts[i]; input.want == host\", \"input\": {\"want\": \"github.com\"}}");
        assertEquals(200, r.status(), r.body());
        ArrayValue rows = (ArrayValue) r.json().get("result");
        assertEquals(1, rows.size());
        ObjectValue row = (ObjectValue) rows.get(0);
        assertEquals(StringValue.of("github.com"), row.get("host"));
        assertEquals(NumberValue.of(1), row.get("i"));

        var viaGet = h.get("/v1/query?q=" + java.net.URLEncoder.encode("x := data.allowed_hosts[0]", java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(StringValue.of("api.openai.com"), ((ObjectValue) ((ArrayValue) viaGet.json().get("result")).get(0)).get("x"));

        var none = h.post("/v1/query", "{\"query\": \"data.allowed_hosts[_] == \\\"nowhere\\\"\"}");
        assertEquals("{}", none.body(), "no results: OPA omits result");

        var parseError = h.post("/v1/query", "{\"query\": \"x := := 1\"}");
        assertEquals(400, parseError.status());
        assertEquals(StringValue.of("error(s) occurred while parsing query"), parseError.json().get("message"));

        assertEquals(400, h.post("/v1/query", "{\"input\": {}}").status(), "query is required");
    }

    @Test
    void evaluationErrorsAre500WithTheEngineError() throws Exception {
        h.store.put("conflict.rego", "package conflict\n\nx := 1 if input.a\n\nx := 2 if input.b\n");
        var r = h.post("/v1/data/conflict/x", "{\"input\": {\"a\": true, \"b\": true}}");
        assertEquals(500, r.status(), r.body());
        assertEquals(StringValue.of("internal_error"), r.json().get("code"));
        ObjectValue err = (ObjectValue) ((ArrayValue) r.json().get("errors")).get(0);
        assertEquals(StringValue.of("eval_conflict_error"), err.get("code"));
    }

    @Test
    void healthSimpleQueryAndUnknownRoutes() throws Exception {
        var health = h.get("/health");
        assertEquals(200, health.status());
        assertEquals("{}", health.body());
        var notReady = h.get("/health/ready");
        assertEquals(500, notReady.status());
        assertTrue(notReady.body().contains("health policy was undefined at data.system.health.ready"), notReady.body());
        h.store.put("health.rego", "package system.health\n\nready := true\n");
        assertEquals(200, h.get("/health/ready").status());

        h.store.put("main.rego", "package system\n\nmain := input.user\n");
        var main = h.post("/", "{\"user\": \"alice\"}");
        assertEquals("\"alice\"", main.body());
        assertEquals(404, h.post("/", "{}").status());

        var missing = h.get("/v2/nothing");
        assertEquals(404, missing.status());
        assertEquals(StringValue.of("resource_not_found"), missing.json().get("code"));
        var wrongMethod = h.send("DELETE", DECISION, null);
        assertEquals(405, wrongMethod.status());
        Value code = wrongMethod.json().get("code");
        assertEquals(StringValue.of("invalid_operation"), code);
    }
}
