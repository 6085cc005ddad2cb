package dev.airlock.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.policy.value.BoolValue;
import dev.airlock.policy.value.Json;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Rules that read only data are computed once per engine; everything touching input stays per query. */
class DataOnlyRulesTest {
    private static final String POLICY = """
            package p

            hosts := {lower(h) | some h in data.hosts}

            allow if lower(input.host) in hosts

            stamped := time.now_ns()

            mocked := n if n := count(data.hosts) with count as fake

            fake(_) := 42
            """;

    @Test
    void onlyInputFreeDeterministicRulesAreDataOnly() throws Exception {
        EmbeddedEngine e = EmbeddedEngine.build(Map.of("p.rego", POLICY), Json.parse("{\"hosts\": [\"A\", \"b\"]}"));
        assertTrue(e.policy().root().find(List.of("p", "hosts")).isDataOnly());
        assertFalse(e.policy().root().find(List.of("p", "allow")).isDataOnly());
        assertFalse(e.policy().root().find(List.of("p", "stamped")).isDataOnly());
        assertFalse(e.policy().root().find(List.of("p", "mocked")).isDataOnly());
        assertFalse(e.policy().root().find(List.of("p")).isDataOnly());
    }

    @Test
    void sharedValuesGiveTheSameAnswersAsFreshOnes() throws Exception {
        EmbeddedEngine e = EmbeddedEngine.build(Map.of("p.rego", POLICY), Json.parse("{\"hosts\": [\"A\", \"b\"]}"));
        for (int i = 0; i < 3; i++) {
            assertEquals(BoolValue.TRUE, e.evaluate("p/allow", Json.parse("{\"host\": \"a\"}")).result());
            assertFalse(e.evaluate("p/allow", Json.parse("{\"host\": \"c\"}")).defined());
            assertEquals(Json.parse("[\"a\", \"b\"]"), Json.parse(Json.write(e.evaluate("p/hosts", null).result())));
        }
        // A with on data in the query bypasses the shared values.
        assertEquals(BoolValue.TRUE, e.query("x := data.p.allow with data.hosts as [\"c\"] with input.host as \"C\"", null)
                .getFirst().get("x"));
    }
}
