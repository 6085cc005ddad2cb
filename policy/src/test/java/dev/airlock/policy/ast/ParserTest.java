package dev.airlock.policy.ast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ParserTest {
    private static RegoError onlyError(String src) {
        Parser.Result<Module> r = Parser.parseModule("p.rego", src);
        assertEquals(1, r.errors().size(), r.errors().toString());
        return r.errors().getFirst();
    }

    @Test
    void parsesV1RulesOfEveryKind() {
        Parser.Result<Module> r = Parser.parseModule("p.rego", """
                package a.b

                import rego.v1
                import data.lib.util as u

                default allow := false

                allow if {
                    some x in input.xs
                    x == "a"
                }

                deny contains msg if msg := "no"

                obj[k] := v if some k, v in input.m

                a.b[c].d := 1 if c := "x"

                f(x) := y if y := [x | x := input.ys[_]]
                else := 0

                t := $"host {input.host}"
                """);
        assertTrue(r.ok(), r.errors().toString());
        Module m = r.value();
        assertEquals(List.of("a", "b"), m.packagePath());
        assertEquals(2, m.imports().size());
        assertEquals("u", m.imports().get(1).name());
        assertEquals(7, m.rules().size());
        assertTrue(m.rules().get(0).isDefault());
        assertTrue(m.rules().get(2).head().isMultiValue());
        assertEquals("obj[k]", m.rules().get(3).head().ref().toString());
        assertTrue(m.rules().get(5).head().isFunction());
        assertTrue(m.rules().get(5).elseRule() != null);
        assertTrue(m.rules().get(6).head().value() instanceof Term.TemplateString);
    }

    @Test
    void errorsNameFileLineColumnAndWhatWasExpected() {
        RegoError e = onlyError("package p\n\nallow if {\n  input.x == \n}\n");
        assertEquals(RegoError.PARSE, e.code());
        assertEquals(new Location("p.rego", 5, 1), e.location());
        assertTrue(e.message().contains("unexpected } token: expected a term"), e.message());
    }

    @Test
    void missingPackageIsReported() {
        RegoError e = onlyError("allow := true\n");
        assertEquals(new Location("p.rego", 1, 1), e.location());
        assertTrue(e.message().contains("expected package declaration"), e.message());
    }

    @Test
    void v1RequiresIfButV0Accepts() {
        String src = "package p\n\nallow { input.x == 1 }\n\nhosts[h] { h := input.hosts[_] }\n";
        RegoError e = onlyError(src);
        assertEquals(new Location("p.rego", 3, 7), e.location());
        assertEquals("`if` keyword is required before rule body", e.message());
        Parser.Result<Module> v0 = Parser.parseModule("p.rego", src, true);
        assertTrue(v0.ok(), v0.errors().toString());
        Head hosts = v0.value().rules().get(1).head();
        assertTrue(hosts.isMultiValue(), "v0 p[x] { } is a partial set");
    }

    @Test
    void badStringEscapeIsReportedWhereItIs() {
        RegoError e = onlyError("package p\n\nx := \"a\\qb\"\n");
        assertEquals(new Location("p.rego", 3, 8), e.location());
        assertTrue(e.message().startsWith("illegal escape \\q"), e.message());
    }

    @Test
    void keywordsMayNameReferenceHeads() {
        Parser.Result<Module> r = Parser.parseModule("p.rego", "package foo.if\n\nas.bar := 1\n\np if { input.in == as.bar }\n");
        assertTrue(r.ok(), r.errors().toString());
    }

    @Test
    @Timeout(10)
    void tenThousandNestedArraysAreAnErrorNotACrash() {
        String src = "package p\n\nx := " + "[".repeat(10_000) + "]".repeat(10_000) + "\n";
        Parser.Result<Module> r = Parser.parseModule("p.rego", src);
        assertTrue(!r.ok());
        assertTrue(r.errors().getFirst().message().contains("nesting too deep"), r.errors().toString());
    }

    @Test
    void queriesSeparateExpressionsByNewlineOrSemicolon() {
        Parser.Result<List<Expr>> q = Parser.parseQuery("x := 1; y = x\nnot z");
        assertTrue(q.ok(), q.errors().toString());
        assertEquals(3, q.value().size());
        assertTrue(q.value().get(2).negated());
    }

    @Test
    void metadataAnnotationsAreParsed() {
        Parser.Result<Module> r = Parser.parseModule("p.rego", """
                # METADATA
                # title: Egress
                package p

                # METADATA
                # title: Allow rule
                # authors:
                # - Jane Doe <jane@example.com>
                allow := true
                """);
        assertTrue(r.ok(), r.errors().toString());
        assertEquals("package", r.value().annotations().getFirst().scope());
        Annotation a = r.value().rules().getFirst().annotations().getFirst();
        assertEquals("rule", a.scope());
        assertEquals("{\"authors\":[{\"email\":\"jane@example.com\",\"name\":\"Jane Doe\"}],\"scope\":\"rule\",\"title\":\"Allow rule\"}",
                a.fields().toString());
    }
}
