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
        CommandLine cl = AirlockCommand.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute("policy", "test", rego.toString());
        assertEquals(0, code, out + "\n" + err);
        assertTrue(out.toString().matches("(?s).*PASS: (\\d+)/\\1\\s*"), out.toString());
    }

    @Test
    void shippedPolicyIsPackagedForServe() throws Exception {
        Path state = java.nio.file.Files.createTempDirectory("airlock-state");
        Path dir = GatewayOptions.shippedPolicy(state);
        assertTrue(java.nio.file.Files.readString(dir.resolve("egress.rego")).contains("package airlock.egress"));
    }
}
