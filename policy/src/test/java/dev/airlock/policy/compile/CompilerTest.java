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

class CompilerTest {
    private static CompiledPolicy compile(String... srcs) {
        List<Module> ms = new java.util.ArrayList<>();
        for (int i = 0; i < srcs.length; i++) {
            Parser.Result<Module> r = Parser.parseModule("m" + i + ".rego", srcs[i]);
            assertTrue(r.ok(), r.errors().toString());
            ms.add(r.value());
        }
        return Compiler.compile(ms, BuiltinRegistry.standard());
    }

    private static List<RegoError> errors(String... srcs) {
        return assertThrows(RegoException.class, () -> compile(srcs)).errors();
    }

    @Test
    void unsafeVariableIsReportedWithItsName() {
        List<RegoError> e = errors("package p\n\nallow if {\n  x == input.y\n}\n");
        assertEquals(RegoError.UNSAFE_VAR, e.getFirst().code());
        assertEquals("var x is unsafe", e.getFirst().message());
        assertEquals(4, e.getFirst().location().row());
    }

    @Test
    void unsafeHeadVariable() {
        List<RegoError> e = errors("package p\n\np contains x if input.y == 1\n");
        assertEquals("var x is unsafe", e.getFirst().message());
    }

    @Test
    void bodyIsReorderedSoVariablesAreBoundFirst() {
        CompiledPolicy c = compile("package p\n\nallow if {\n  x == \"a\"\n  x = input.y\n}\n");
        RuleNode n = c.root().find(List.of("p", "allow"));
        assertEquals("eq(x, input.y)", n.rules().getFirst().rule().body().getFirst().toString());
    }

    @Test
    void recursionIsRejected() {
        List<RegoError> e = errors("package p\n\na if b\n\nb if a\n");
        assertEquals(RegoError.RECURSION, e.getFirst().code());
        assertTrue(e.getFirst().message().contains("data.p.a -> data.p.b -> data.p.a"), e.getFirst().message());
    }

    @Test
    void mixingCompleteAndPartialDefinitionsConflicts() {
        List<RegoError> e = errors("package p\n\nq := 1\n\nq contains 2\n");
        assertEquals(RegoError.TYPE, e.getFirst().code());
        assertEquals("conflicting rules data.p.q found", e.getFirst().message());
    }

    @Test
    void undefinedFunctionIsATypeError() {
        List<RegoError> e = errors("package p\n\nx := no_such_function(1)\n");
        assertEquals(RegoError.TYPE, e.getFirst().code());
        assertEquals("undefined function no_such_function", e.getFirst().message());
    }

    @Test
    void reassigningALocalIsACompileError() {
        List<RegoError> e = errors("package p\n\nallow if {\n  x := 1\n  x := 2\n}\n");
        assertEquals(RegoError.COMPILE, e.getFirst().code());
        assertEquals("var x assigned above", e.getFirst().message());
    }

    @Test
    void errorsFromSeveralRulesAreCollectedTogether() {
        List<RegoError> e = errors("package p\n\na if x == 1\n\nb if y == 2\n");
        assertEquals(2, e.size(), e.toString());
    }
}
