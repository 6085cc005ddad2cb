package dev.airlock.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class CliUsageTest {
    /** Runs the real command tree and captures what it prints. */
    @Test
    void helpListsEveryCommand() {
        CliRun r = CliRun.of("--help");
        assertEquals(0, r.exitCode());
        for (String command : new String[] {"run", "serve", "policy", "audit", "ca", "secrets", "image", "version", "completion"}) {
            assertTrue(r.out().matches("(?s).*\\n\\s+" + command + "\\s+\\S.*"),
                    "help should list '" + command + "' with a description:\n" + r.out());
        }
    }

    @Test
    void unknownCommandIsAUsageError() {
        CliRun r = CliRun.of("frobnicate");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("Unmatched argument") && r.err().contains("frobnicate"), r.err());
        // Picocli offers the nearest commands, or the usage when none is near.
        assertTrue(r.err().contains("Did you mean: airlock") || r.err().contains("Usage: airlock"), r.err());
    }

    @Test
    void unknownOptionIsAUsageError() {
        CliRun r = CliRun.of("--no-such-option");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("Unknown option: '--no-such-option'"), r.err());
    }

    @Test
    void noCommandIsAUsageError() {
        CliRun r = CliRun.of();
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("Missing required subcommand"), r.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"run --isolation microvm -- true", "image"})
    void commandsNotYetBuiltSaySoInOneLineAndExit2(String commandLine) {
        String command = commandLine.split(" ")[0];
        CliRun r = CliRun.of(commandLine.split(" "));
        assertEquals(2, r.exitCode());
        assertEquals("", r.out());
        String[] lines = r.err().strip().split("\n");
        assertEquals(1, lines.length, r.err());
        assertTrue(lines[0].startsWith("airlock " + command + ": not available yet"), lines[0]);
    }

    @Test
    void auditIsACommandGroupWithVerifyAndQuery() {
        CliRun r = CliRun.of("audit", "--help");
        assertEquals(0, r.exitCode());
        assertTrue(r.out().matches("(?s).*\\n\\s+verify\\s+\\S.*") && r.out().matches("(?s).*\\n\\s+query\\s+\\S.*"),
                r.out());
    }

    @Test
    void versionNamesTheRuntime() {
        CliRun r = CliRun.of("version");
        assertEquals(0, r.exitCode());
        assertTrue(r.out().startsWith("airlock "), r.out());
        assertTrue(r.out().contains("Java " + Runtime.version()), r.out());
    }

    @Test
    void completionPrintsABashScriptForEveryCommand() {
        CliRun r = CliRun.of("completion");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("complete -F"), "expected a bash completion script");
        assertTrue(r.out().contains("serve") && r.out().contains("policy"), "script should know the subcommands");
    }
}
