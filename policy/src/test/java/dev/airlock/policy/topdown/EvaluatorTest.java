package dev.airlock.policy.topdown;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.policy.EmbeddedEngine;
import dev.airlock.policy.EvalOptions;
import dev.airlock.policy.ast.RegoError;
import dev.airlock.policy.ast.RegoException;
import dev.airlock.policy.builtins.BuiltinRegistry;
import dev.airlock.policy.value.Json;
import dev.airlock.policy.value.Value;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Evaluation semantics on real Rego text; only the evaluator's own builtins are used. */
class EvaluatorTest {
    private static Value json(String s) {
        try {
            return Json.parse(s);
        } catch (Json.ParseException e) {
            throw new AssertionError(e);
        }
    }

    private static EmbeddedEngine engine(String rego, String data) {
        return EmbeddedEngine.build(Map.of("p.rego", rego), data == null ? null : json(data));
    }

    /** The value of data.p.x, or "undefined". */
    private static String eval(String rego, String input) {
        var d = engine(rego, null).evaluate("p/x", input == null ? null : json(input));
        return d.defined() ? Json.write(d.result()) : "undefined";
    }

    @Test
    void undefinedIsNotFalse() {
        String rego = "package p\n\nx if input.a == 1\n";
        assertEquals("true", eval(rego, "{\"a\": 1}"));
        assertEquals("undefined", eval(rego, "{\"a\": 2}"));
        assertEquals("false", eval("package p\n\ndefault x := false\n\nx if input.a == 1\n", "{\"a\": 2}"));
    }

    @Test
    void partialSetsAndObjects() {
        assertEquals("[\"a\",\"b\"]", eval("package p\n\nx contains h if some h in input.hs\n", "{\"hs\": [\"b\", \"a\", \"b\"]}"));
        assertEquals("{\"a\":0,\"b\":1}", eval("package p\n\nx[v] := i if some i, v in input.hs\n", "{\"hs\": [\"a\", \"b\"]}"));
        assertEquals("{\"q\":{\"r\":{\"s\":1}}}", eval("package p\n\nx.q[k].s := 1 if k := input.k\n", "{\"k\": \"r\"}"));
    }

    @Test
    void completeRuleConflictIsAnError() {
        RegoException e = assertThrows(RegoException.class,
                () -> eval("package p\n\nx := 1 if input.a\n\nx := 2 if input.a\n", "{\"a\": true}"));
        assertEquals(RegoError.EVAL_CONFLICT, e.code());
        assertEquals("complete rules must not produce multiple outputs", e.errors().getFirst().message());
    }

    @Test
    void objectKeyConflictIsAnError() {
        RegoException e = assertThrows(RegoException.class,
                () -> eval("package p\n\nx[k] := v if { some k in [\"a\"]; some v in [1, 2] }\n", null));
        assertEquals("object keys must be unique", e.errors().getFirst().message());
    }

    @Test
    void functionConflictIsAnError() {
        RegoException e = assertThrows(RegoException.class,
                () -> eval("package p\n\nf(a) := 1 if a == 1\n\nf(a) := 2 if a == 1\n\nx := f(1)\n", null));
        assertEquals("functions must not produce multiple outputs for same inputs", e.errors().getFirst().message());
    }

    @Test
    void elseChainsAndFunctions() {
        String rego = """
                package p

                kind(v) := "one" if v == 1
                else := "two" if v == 2
                else := "many"

                x := [kind(1), kind(2), kind(7)]
                """;
        assertEquals("[\"one\",\"two\",\"many\"]", eval(rego, null));
    }

    @Test
    void withReplacesInputDataAndFunctions() {
        String rego = """
                package p

                allowed := data.hosts

                f(v) := v

                mock(v) := "mocked"

                x := [a, b, c] if {
                    a := input.h with input.h as "in"
                    b := allowed with data.hosts as ["h"]
                    c := f(1) with f as mock
                }
                """;
        assertEquals("[\"in\",[\"h\"],\"mocked\"]", eval(rego, null));
    }

    @Test
    void everyRequiresAllElements() {
        String rego = "package p\n\nx if every h in input.hs { h != \"bad\" }\n";
        assertEquals("true", eval(rego, "{\"hs\": [\"a\", \"b\"]}"));
        assertEquals("undefined", eval(rego, "{\"hs\": [\"a\", \"bad\"]}"));
        assertEquals("true", eval(rego, "{\"hs\": []}"));
    }

    @Test
    void comprehensionsCloseOverOuterVariables() {
        String rego = """
                package p

                x := {k: ys | some k in ["a", "b"]; ys := [v | some v in input[k]]}
                """;
        assertEquals("{\"a\":[1],\"b\":[2,3]}", eval(rego, "{\"a\": [1], \"b\": [2, 3]}"));
    }

    @Test
    void virtualAndBaseDocumentsMerge() {
        EmbeddedEngine e = engine("package a.b\n\nv := 1\n", "{\"a\": {\"b\": {\"base\": 2}, \"c\": 3}}");
        assertEquals("{\"b\":{\"base\":2,\"v\":1},\"c\":3}", Json.write(e.evaluate("a", null).result()));
    }

    @Test
    void notAndMembership() {
        String rego = "package p\n\nx if not \"z\" in input.hs\n";
        assertEquals("true", eval(rego, "{\"hs\": [\"a\"]}"));
        assertEquals("undefined", eval(rego, "{\"hs\": [\"z\"]}"));
    }

    @Test
    void walkIsARelation() {
        assertEquals("[[[],{\"a\":[1]}],[[\"a\"],[1]],[[\"a\",0],1]]",
                eval("package p\n\nx := [pair | walk(input, pair)]\n", "{\"a\": [1]}"));
    }

    @Test
    void printGoesToTheSink() {
        List<String> lines = new ArrayList<>();
        EmbeddedEngine e = EmbeddedEngine.build(Map.of("p.rego", "package p\n\nx if print(\"host\", input.h, input.nope)\n"),
                null, false, BuiltinRegistry.standard(), EvalOptions.DEFAULT.withPrint(lines::add));
        assertTrue(e.evaluate("p/x", json("{\"h\": \"a.com\"}")).defined());
        assertEquals(List.of("host a.com <undefined>"), lines);
    }

    @Test
    void templateStrings() {
        assertEquals("\"host a.com:443 {x}\"", eval("package p\n\nx := $\"host {input.h}:{input.p} \\{x}\"\n",
                "{\"h\": \"a.com\", \"p\": 443}"));
    }

    @Test
    void queriesReturnBindings() {
        EmbeddedEngine e = engine("package p\n\nhosts := [\"a\", \"b\"]\n", null);
        List<Map<String, Value>> rows = e.query("some i, h in data.p.hosts", null);
        assertEquals(2, rows.size());
        assertEquals("\"b\"", Json.write(rows.get(1).get("h")));
    }

    @Test
    @Timeout(20)
    void stepBudgetStopsRunawayEvaluation() {
        EmbeddedEngine loop = EmbeddedEngine.build(Map.of("p.rego", """
                package p

                x := [1 | some a in input.xs; some b in input.xs; some c in input.xs; a == b]
                """), null, false, BuiltinRegistry.standard(),
                EvalOptions.DEFAULT.withLimits(new Limits(100_000, Duration.ofSeconds(5), 100)));
        StringBuilder xs = new StringBuilder("{\"xs\": [");
        for (int i = 0; i < 200; i++) xs.append(i == 0 ? "" : ",").append(i);
        xs.append("]}");
        RegoException ex = assertThrows(RegoException.class, () -> loop.evaluate("p/x", json(xs.toString())));
        assertEquals(RegoError.EVAL_LIMIT, ex.code());
    }

    @Test
    @Timeout(20)
    void collectionBudgetStopsRunawayComprehensionsBeforeMemoryRunsOut() {
        EmbeddedEngine big = EmbeddedEngine.build(Map.of("p.rego", """
                package p

                x := {[a, b] | some a in numbers.range(1, 1000); some b in numbers.range(1, 1000)}
                """), null, false, BuiltinRegistry.standard(),
                EvalOptions.DEFAULT.withLimits(new Limits(50_000_000, Duration.ofSeconds(10), 100, 10_000)));
        RegoException ex = assertThrows(RegoException.class, () -> big.evaluate("p/x", null));
        assertEquals(RegoError.EVAL_LIMIT, ex.code());
        assertTrue(ex.getMessage().contains("more than 10000 elements"), ex.getMessage());
    }

    @Test
    @Timeout(20)
    void deepRecursionThroughFunctionsIsALimitErrorNotACrash() {
        // Recursion is rejected at compile time, so nest calls through 300 distinct functions.
        StringBuilder rego = new StringBuilder("package p\n\nf0(v) := v\n");
        for (int i = 1; i <= 300; i++) rego.append("f").append(i).append("(v) := f").append(i - 1).append("(v)\n");
        rego.append("x := f300(1)\n");
        RegoException ex = assertThrows(RegoException.class, () -> eval(rego.toString(), null));
        assertEquals(RegoError.EVAL_LIMIT, ex.code());
        // Either budget may trip first depending on the thread's stack size; both are typed errors.
        assertTrue(ex.errors().getFirst().message().contains("maximum depth")
                || ex.errors().getFirst().message().contains("stack exhausted"), ex.getMessage());
    }

    @Test
    @Timeout(20)
    void tenThousandDeepInputIsRefusedAndTheDeepestAcceptedOneEvaluates() {
        assertThrows(Json.ParseException.class, () -> Json.parse("[".repeat(10_000) + "]".repeat(10_000)));
        String deep = "[".repeat(900) + "1" + "]".repeat(900);
        assertEquals("1", eval("package p\n\nx := count_leaves if count_leaves := [n | walk(input, [_, n]); n == 1][0]\n",
                deep));
    }

    @Test
    void revisionChangesWithPolicyOrData() {
        String a = engine("package p\n\nx := 1\n", null).revision();
        String b = engine("package p\n\nx := 2\n", null).revision();
        String c = engine("package p\n\nx := 1\n", "{\"d\": 1}").revision();
        assertTrue(!a.equals(b) && !a.equals(c) && !b.equals(c));
    }
}
