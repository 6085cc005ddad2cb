package dev.airlock.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The README's main job, end to end: shipped Rego policy, real TLS on both sides, the JDK
 * HttpClient as the agent, secrets injected and blocked, the audit chain verified.
 */
class DemoCommandTest {
    @TempDir
    Path dir;

    @Test
    void demoShowsEveryDecisionAndAVerifiedAuditTrail() throws Exception {
        CliRun r = CliRun.of("demo", "--keep", dir.toString());
        String o = r.out();
        assertEquals(0, r.exitCode(), o + r.err());
        assertTrue(o.matches("(?s).*GET https://api\\.demo\\.test:\\d+/v1/models  ->  200 \\{\"you_sent\": \"Bearer \\*+\"}.*"), o);
        String secret = Files.readString(dir.resolve("demo-key.txt")).strip();
        assertTrue(o.contains("the API received:  GET /v1/models Authorization: Bearer " + secret), "injected upstream: " + o);
        assertTrue(o.contains("DELETE") && o.contains("403 {\"error\":\"denied\",\"reason\":\"method DELETE is not allowed"), o);
        assertTrue(o.contains("path /admin is not allowed"), o);
        assertTrue(o.contains("CONNECT evil.example:443  ->  403"), o);
        assertTrue(o.contains("secret placeholder blocked: DEMO_API_KEY"), o);
        assertTrue(o.contains("the API received:  nothing"), o);
        assertTrue(o.matches("(?s).*request +DONE +api\\.demo\\.test:\\d+ +GET /v1/models +200 +completed.*"), "the allowed request's outcome: " + o);
        // connect, decision and outcome of 1; decisions of 2 and 3; connect of 4; connect and decision of 5
        assertTrue(o.matches("(?s).*audit: 9 records verified, chain intact.*"), o);
        assertTrue(Files.readAllLines(dir.resolve("audit.jsonl")).stream().noneMatch(l -> l.contains(secret)),
                "the audit log never holds the secret");
    }
}
