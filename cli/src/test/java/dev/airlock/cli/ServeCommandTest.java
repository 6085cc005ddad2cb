package dev.airlock.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServeCommandTest {
    @TempDir
    Path dir;

    @Test
    void listenAddressInUseIsAOneLineError() throws Exception {
        try (TakenPort taken = new TakenPort()) {
            CliRun r = CliRun.of("serve", "--listen", taken.address(),
                    "--state-dir", dir.resolve("state").toString(), "--audit", dir.resolve("audit.jsonl").toString(),
                    "--ca-dir", dir.resolve("ca").toString());
            assertEquals(1, r.exitCode());
            String prefix = "airlock serve: cannot listen on " + taken.address() + ": ";
            String line = r.err().strip();
            assertTrue(line.startsWith(prefix) && line.substring(prefix.length()).equalsIgnoreCase(taken.bindError()),
                    "one line naming the address and the reason (address already in use): " + r.err());
            assertEquals("", r.out());
        }
    }

    @Test
    void policyThatDoesNotCompileNamesFileLineAndColumn() throws Exception {
        java.nio.file.Files.writeString(dir.resolve("bad.rego"), "package airlock.egress\n\ndecision := {\n");
        CliRun r = CliRun.of("serve", "--policy", dir.resolve("bad.rego").toString(),
                "--state-dir", dir.resolve("state").toString(), "--audit", dir.resolve("audit.jsonl").toString(),
                "--ca-dir", dir.resolve("ca").toString());
        assertEquals(1, r.exitCode());
        assertTrue(r.err().matches("(?s).*bad\\.rego:\\d+:\\d+: rego_parse_error.*"), r.err());
    }
}
