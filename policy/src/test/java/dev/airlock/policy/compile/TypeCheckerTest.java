package dev.airlock.policy.compile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.policy.ast.Module;
import dev.airlock.policy.ast.Parser;
import dev.airlock.policy.ast.RegoError;
import dev.airlock.policy.ast.RegoException;
import dev.airlock.policy.builtins.BuiltinRegistry;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Compile-time type errors in builtin calls, and the calls the checker must leave to evaluation. */
class TypeCheckerTest {
    private static CompiledPolicy compile(String src) {
        Parser.Result<Module> r = Parser.parseModule("t.rego", src);
        assertTrue(r.ok(), r.errors().toString());
        return Compiler.compile(List.of(r.value()), BuiltinRegistry.standard());
    }

    private static RegoError error(String body) {
        List<RegoError> e = assertThrows(RegoException.class, () -> compile("package t\n\np if {\n  " + body + "\n}\n")).errors();
        assertEquals(RegoError.TYPE, e.getFirst().code(), e.toString());
        return e.getFirst();
    }

    private static void ok(String body) {
        compile("package t\n\np if {\n  " + body + "\n}\n");
    }

    @Test
    void literalOfTheWrongTypeIsReportedWithLocationAndWantedTypes() {
        RegoError e = error("count(1) > 0");
        assertEquals(4, e.location().row());
        assertEquals(3, e.location().col());
        assertEquals("count: invalid argument(s)\n\thave: (number)\n\twant: (any<array[any], object[any: any], set[any], string>)",
                e.message());
    }

    @Test
    void eachArgumentIsChecked() {
        assertTrue(error("concat(1, []) == \"\"").message().contains("have: (number, array<>)"));
        assertTrue(error("concat(\",\", [1, 2]) == \"\"").message().contains("array<number, number>"));
        assertTrue(error("x := 1 + \"a\"").message().startsWith("plus:"));
    }

    @Test
    void typesFlowThroughAssignmentsReferencesAndResults() {
        error("xs := [1, 2]\n  upper(xs[0]) == \"1\"");
        error("o := {\"a\": 1}\n  upper(o.a) == \"1\"");
        error("n := count([])\n  upper(n) == \"0\"");
        error("s := sprintf(\"%d\", [1])\n  s + 1 > 0");
    }

    @Test
    void inputDataAndComprehensionsAreAnyAndLeftToEvaluation() {
        ok("count(input.x) > 0");
        ok("upper(data.t.q) == \"A\"");
        ok("xs := [x | x := input.y[_]]\n  count(xs) > 0");
        ok("s := {2: \"x\" | true}\n  strings.replace_n(s, \"foo\") == \"\"");
        ok("some v in [\"a\", 1]\n  upper(v) == \"A\"");
    }

    @Test
    void wellTypedCallsPass() {
        ok("concat(\",\", [\"a\", \"b\"]) == \"a,b\"");
        ok("count(set()) == 0");
        ok("object.get({}, \"a\", 1) == 1");
        ok("x := {1, 2} | {3}\n  count(x) == 3");
    }
}
