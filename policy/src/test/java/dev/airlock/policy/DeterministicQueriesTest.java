package dev.airlock.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.policy.value.Json;
import dev.airlock.policy.value.ObjectValue;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Whether a query can answer the same input differently twice is found when it is compiled,
 * through every rule and function it can reach; decisions carry the answer to the cache.
 */
class DeterministicQueriesTest {
    private static EmbeddedEngine engine(String policy) {
        return EmbeddedEngine.build(Map.of("p.rego", policy), ObjectValue.EMPTY);
    }

    private static boolean deterministic(EmbeddedEngine e, String query) {
        return e.policy().compileQuery(query).deterministic();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "time.now_ns()",
        "rand.intn(\"k\", 10)",
        "uuid.rfc4122(\"k\")",
        "http.send({\"method\": \"GET\", \"url\": \"http://127.0.0.1:1/\"})",
        "net.lookup_ip_addr(\"localhost\")",
        "opa.runtime()",
        "io.jwt.decode_verify(input.token, {\"secret\": \"s\"})",
        "crypto.x509.parse_and_verify_certificates(input.chain)",
    })
    void aRuleCallingANondeterministicBuiltinIsNotDeterministic(String call) {
        EmbeddedEngine e = engine("package p\n\nr := " + call + "\n\nplain := count(input.xs)\n");
        assertFalse(e.policy().root().find(List.of("p", "r")).isDeterministic(), call);
        assertFalse(deterministic(e, "x := data.p.r"), call);
        assertFalse(deterministic(e, "x := data.p"), "the package holds r: " + call);
        assertFalse(deterministic(e, "x := data.p[k]"), "a dynamic key can reach r: " + call);
        assertFalse(deterministic(e, "x := " + call), "called by the query itself: " + call);
        assertTrue(deterministic(e, "x := data.p.plain"), "a sibling that does not reach r: " + call);
    }

    @Test
    void aRuleReachedOnlyThroughFunctionsCounts() throws Exception {
        EmbeddedEngine e = engine("""
                package p

                decision := {"allow": allowed}

                default allowed := false

                allowed if fresh(input.issued)

                fresh(t) if within(t, 60)

                within(t, seconds) if time.now_ns() - t < seconds * 1000000000

                listed := {"allow": input.host in {"a.example"}}

                same(t) := t
                """);
        assertFalse(e.policy().root().find(List.of("p", "within")).isDeterministic());
        assertFalse(e.policy().root().find(List.of("p", "fresh")).isDeterministic());
        assertFalse(e.evaluate("p/decision", Json.parse("{\"issued\": 0}")).deterministic());
        assertTrue(e.evaluate("p/listed", Json.parse("{\"host\": \"a.example\"}")).deterministic());
        assertFalse(deterministic(e, "x := data.p.fresh(1)"), "a query calling the function");
        assertTrue(deterministic(e, "x := data.p.same(1)"), "a query calling a deterministic function");
    }

    @Test
    void aWithReplacementByANondeterministicBuiltinCounts() {
        EmbeddedEngine e = engine("""
                package p

                id(x) := x

                stamped := x if x := id("k") with id as uuid.rfc4122

                plain := x if x := id("k") with id as upper
                """);
        assertFalse(e.policy().root().find(List.of("p", "stamped")).isDeterministic());
        assertTrue(e.policy().root().find(List.of("p", "plain")).isDeterministic());
        assertFalse(deterministic(e, "x := data.p.id(\"k\") with data.p.id as uuid.rfc4122"));
    }

    @Test
    void decisionsCarryTheFlag() throws Exception {
        EmbeddedEngine e = engine("""
                package p

                token := uuid.rfc4122(input.key)
                """);
        // Two evaluations of the same input really differ: the reason such decisions must not be reused.
        Decision d = e.evaluate("p/token", Json.parse("{\"key\": \"k\"}"));
        assertFalse(d.deterministic());
        assertNotEquals(d.result(), e.evaluate("p/token", Json.parse("{\"key\": \"k\"}")).result());
        assertEquals("p/token", d.path());
    }
}
