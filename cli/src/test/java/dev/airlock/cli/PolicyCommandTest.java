package dev.airlock.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Runs the real {@code airlock policy} commands on Rego files written to a temp directory. */
class PolicyCommandTest {
    @TempDir
    Path dir;

    private void write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    private void policy() throws IOException {
        write("policy/egress.rego", """
                package airlock.egress

                default allow := false

                allow if input.destination.host in data.allowed_hosts

                decision := {"allow": allow, "reason": reason}

                reason := "host allowed" if allow
                else := "host not in allow list"
                """);
        write("policy/data.json", "{\"allowed_hosts\": [\"api.openai.com\"]}");
    }

    @Test
    void testCommandRunsEveryTestRuleAndSummarises() throws IOException {
        policy();
        write("policy/egress_test.rego", """
                package airlock.egress_test

                import data.airlock.egress

                test_allowed if egress.allow with input as {"destination": {"host": "api.openai.com"}}

                test_denied if not egress.allow with input as {"destination": {"host": "evil.example"}}
                """);
        CliRun r = CliRun.of("policy", "test", dir.resolve("policy").toString());
        assertEquals(0, r.exitCode(), r.out() + r.err());
        assertTrue(r.out().matches("(?s).*data\\.airlock\\.egress_test\\.test_allowed: PASS \\(\\d+\\.\\dms\\).*"), r.out());
        assertTrue(r.out().contains("data.airlock.egress_test.test_denied: PASS"), r.out());
        assertTrue(r.out().contains("PASS: 2/2"), r.out());
    }

    @Test
    void failingTestMakesExitCodeOneAndIsCounted() throws IOException {
        policy();
        write("policy/bad_test.rego", """
                package airlock.bad_test

                test_wrong if data.airlock.egress.allow with input as {"destination": {"host": "evil.example"}}

                test_right if not data.airlock.egress.allow with input as {"destination": {"host": "evil.example"}}
                """);
        CliRun r = CliRun.of("policy", "test", dir.resolve("policy").toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.out().contains("data.airlock.bad_test.test_wrong: FAIL"), r.out());
        assertTrue(r.out().contains("PASS: 1/2") && r.out().contains("FAIL: 1/2"), r.out());
    }

    @Test
    void v0CompatibleModeAcceptsOldSyntax() throws IOException {
        write("old/old.rego", """
                package old

                allow { input.x == 1 }

                hosts[h] { h := input.hosts[_] }

                test_allow { allow with input as {"x": 1} }

                test_hosts { hosts == {"a", "b"} with input as {"hosts": ["a", "b", "a"]} }
                """);
        CliRun v1 = CliRun.of("policy", "test", dir.resolve("old").toString());
        assertEquals(1, v1.exitCode());
        assertTrue(v1.err().contains("old.rego:3:7: rego_parse_error: `if` keyword is required before rule body"), v1.err());
        CliRun v0 = CliRun.of("policy", "test", "--v0-compatible", dir.resolve("old").toString());
        assertEquals(0, v0.exitCode(), v0.out() + v0.err());
        assertTrue(v0.out().contains("PASS: 2/2"), v0.out());
    }

    @Test
    void evalPrintsOpaShapedJson() throws IOException {
        policy();
        write("input.json", "{\"destination\": {\"host\": \"api.openai.com\"}}");
        CliRun r = CliRun.of("policy", "eval", "-d", dir.resolve("policy").toString(), "-i", dir.resolve("input.json").toString(),
                "data.airlock.egress.decision");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals("{\"result\":[{\"expressions\":[{\"value\":{\"allow\":true,\"reason\":\"host allowed\"},"
                + "\"text\":\"data.airlock.egress.decision\",\"location\":{\"row\":1,\"col\":1}}]}]}", r.out().strip());
    }

    @Test
    void evalReportsBindings() throws IOException {
        policy();
        CliRun r = CliRun.of("policy", "eval", "-d", dir.resolve("policy").toString(), "some h in data.allowed_hosts");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("\"bindings\":{\"h\":\"api.openai.com\"}"), r.out());
    }

    @Test
    void undefinedResultIsAnEmptyObject() throws IOException {
        policy();
        CliRun r = CliRun.of("policy", "eval", "-d", dir.resolve("policy").toString(), "data.airlock.egress.nothing");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals("{}", r.out().strip());
    }

    @Test
    void parseErrorsNameFileLineAndColumnAndExit1() throws IOException {
        write("broken/p.rego", "package broken\n\np if {\n  input.x ==\n}\n");
        CliRun r = CliRun.of("policy", "eval", "-d", dir.resolve("broken").toString(), "data.broken.p");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains(dir.resolve("broken/p.rego") + ":5:1: rego_parse_error: unexpected } token"), r.err());
    }

    @Test
    void malformedInputJsonIsAnError() throws IOException {
        policy();
        write("input.json", "{\"destination\": ");
        CliRun r = CliRun.of("policy", "eval", "-d", dir.resolve("policy").toString(), "-i", dir.resolve("input.json").toString(),
                "data.airlock.egress.allow");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("input.json") && r.err().contains("invalid_input_error"), r.err());
    }

    @Test
    void policyWithoutSubcommandIsAUsageError() {
        CliRun r = CliRun.of("policy");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("Missing required subcommand"), r.err());
    }

    @Test
    void conformanceRunsCasesAndPrintsTheSummaryLine() throws IOException {
        write("suite/basic/cases.json", """
                {"cases": [
                  {"note": "basic/pass", "query": "data.test.p = x", "modules": ["package test\\np := 1\\n"],
                   "want_result": [{"x": 1}]},
                  {"note": "basic/fail", "query": "data.test.p = x", "modules": ["package test\\np := 2\\n"],
                   "want_result": [{"x": 1}]}
                ]}
                """);
        CliRun r = CliRun.of("policy", "conformance", "--report", dir.resolve("conformance.md").toString(),
                dir.resolve("suite").toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.out().contains("FAIL basic/cases.json: basic/fail"), r.out());
        assertTrue(r.out().strip().endsWith("conformance: 1 passed, 1 failed"), r.out());
        String md = Files.readString(dir.resolve("conformance.md"));
        assertTrue(md.contains("| basic | 1 | 1 |"), md);
    }
}
