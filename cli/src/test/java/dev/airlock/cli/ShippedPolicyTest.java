package dev.airlock.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code airlock policy test rego/}: the shipped egress policy's own Rego tests pass on the embedded engine. */
class ShippedPolicyTest {
    @Test
    void shippedPolicyTestsPass() {
        Path rego = Path.of(System.getProperty("airlock.root", "..")).resolve("rego");
        CliRun r = CliRun.of("policy", "test", rego.toString());
        assertEquals(0, r.exitCode(), r.out() + "\n" + r.err());
        assertTrue(r.out().matches("(?s).*PASS: (\\d+)/\\1\\s*"), r.out());
    }

    @Test
    void shippedPolicyIsPackagedForServe() throws Exception {
        Path state = java.nio.file.Files.createTempDirectory("airlock-state");
        Path dir = GatewayOptions.shippedPolicy(state);
        assertTrue(java.nio.file.Files.readString(dir.resolve("egress.rego")).contains("package airlock.egress"));
    }
}
