package dev.airlock.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.gateway.audit.SlowDisk;
import dev.airlock.gateway.support.GatewayHarness;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * On a disk whose every flush takes {@value #FORCE_MS} ms: an allowed request goes upstream
 * while its decision record is still being forced (the flush overlaps the upstream round
 * trip), and the response reaches the client only once the record is on disk — whole, over
 * HTTP/1.1 and over HTTP/2, whose upstream stream closes while the response is held.
 */
class AuditOrderingTest {
    static final long FORCE_MS = 500;

    @TempDir
    static Path dir;

    static GatewayHarness gw;

    @BeforeAll
    static void start() throws Exception {
        gw = new GatewayHarness(dir, ProxyTlsTest.RULES, AgentDirectory.open(), null,
                file -> SlowDisk.open(file, FORCE_MS), "api.test");
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"--http1.1", "--http2"})
    void theResponseWaitsForTheDecisionRecordButTheRequestDoesNot(String protocol) throws Exception {
        gw.upstream.received.clear();
        String path = "/ordered" + protocol.replace("-", "");
        Process curl = new ProcessBuilder("curl", "-sS", "--max-time", "20", protocol, "--proxy", gw.proxyUrl(),
                "--cacert", gw.caPem.toString(), "-w", "\\n%{http_code}", "https://api.test:" + gw.upstream.port() + path)
                .redirectErrorStream(true).start();
        curl.getOutputStream().close();
        String seen = gw.upstream.received.poll(10, TimeUnit.SECONDS);
        long upstreamSaw = System.nanoTime();
        if (seen == null) {
            curl.destroyForcibly();
            String said = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertNotNull(seen, "the upstream received no request; curl: " + said + "; audit: " + gw.auditLines());
        }
        String out = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(curl.waitFor(20, TimeUnit.SECONDS));
        long clientGot = System.nanoTime();
        assertEquals(0, curl.exitValue(), out);
        assertTrue(out.endsWith("\n200") && out.contains("\"uri\":\"" + path + "\""), "the whole response arrives: " + out);
        long heldMs = TimeUnit.NANOSECONDS.toMillis(clientGot - upstreamSaw);
        // The upstream answers at once; the client sees it only after the record's flush.
        assertTrue(heldMs >= FORCE_MS / 2, "the response was released " + heldMs + " ms after the upstream saw the request");
        assertEquals(1, gw.awaitAuditLines(l -> l.contains("\"kind\":\"outcome\"") && l.contains(path), 1).size(),
                "the outcome follows: " + gw.auditLines());
    }
}
