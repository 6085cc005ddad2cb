package dev.airlock.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
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

    @Test
    void runWithoutACommandAndImageWithoutASubcommandAreUsageErrors() {
        CliRun run = CliRun.of("run");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("Missing required parameter"), run.err());
        CliRun image = CliRun.of("image");
        assertEquals(2, image.exitCode());
        assertTrue(image.err().contains("Missing required subcommand"), image.err());
    }

    @Test
    void runRefusesAnUnknownIsolation() {
        CliRun kind = CliRun.of("run", "--isolation", "docker", "--", "true");
        assertEquals(2, kind.exitCode());
        assertTrue(kind.err().contains("--isolation must be auto, microvm or netns"), kind.err());
    }

    @Test
    void runRefusesAVcpuCountTheMicroVmCannotHave() {
        for (String n : new String[] {"0", "33"}) {
            CliRun r = CliRun.of("run", "--isolation", "microvm", "--cpus", n, "--", "true");
            assertEquals(2, r.exitCode());
            assertTrue(r.err().contains("--cpus must be between 1 and 32, not " + n), r.err());
        }
    }

    @Test
    void runInAMicroVmWithoutAnImageSaysHowToBuildOne(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        CliRun r = CliRun.of("run", "--isolation", "microvm", "--image", dir.toString(), "--", "true");
        assertEquals(MicroVmRunner.SANDBOX_FAILED, r.exitCode());
        assertTrue(r.err().contains("airlock image build") || r.err().contains("KVM is not usable"), r.err());
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
