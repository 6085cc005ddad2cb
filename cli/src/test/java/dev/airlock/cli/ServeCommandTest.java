package dev.airlock.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServeCommandTest {
    @TempDir
    Path dir;

    @Test
    void listenAddressInUseIsAOneLineError() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            CliRun r = CliRun.of("serve", "--listen", "127.0.0.1:" + taken.getLocalPort(),
                    "--state-dir", dir.resolve("state").toString(), "--audit", dir.resolve("audit.jsonl").toString(),
                    "--ca-dir", dir.resolve("ca").toString());
            assertEquals(1, r.exitCode());
            assertEquals(1, r.err().strip().lines().count(), r.err());
            assertTrue(r.err().contains("cannot listen on 127.0.0.1:" + taken.getLocalPort()), r.err());
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
