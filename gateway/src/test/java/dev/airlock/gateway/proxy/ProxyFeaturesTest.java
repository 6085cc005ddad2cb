package dev.airlock.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.gateway.support.Curl;
import dev.airlock.gateway.support.GatewayHarness;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Agent identity, TLS passthrough, slow clients and port rules at the proxy. */
class ProxyFeaturesTest {
    static final String TOKEN = "ci-bot-token-0123456789";

    @TempDir
    static Path dir;

    static GatewayHarness gw;

    @BeforeAll
    static void start() throws Exception {
        Files.writeString(dir.resolve("agents.yaml"), """
                require_auth: true
                agents:
                  - name: ci-bot
                    token: %s
                    labels: {team: infra}
                """.formatted(TOKEN));
        gw = new GatewayHarness(dir, ProxyTlsTest.RULES, AgentDirectory.load(dir.resolve("agents.yaml")), "api.test", "pass.test");
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
    }

    private String proxyWithCredentials() {
        return "http://ci-bot:" + TOKEN + "@127.0.0.1:" + gw.proxy.address().getPort();
    }

    @Test
    void missingOrWrongCredentialsGet407() throws Exception {
        String url = "https://api.test:" + gw.upstream.port() + "/";
        Curl.Result none = Curl.run("--proxy", gw.proxyUrl(), "--cacert", gw.caPem.toString(), url);
        assertTrue(none.stderr().contains("407"), none.stderr());
        Curl.Result wrong = Curl.run("--proxy", "http://ci-bot:wrong-token-000000000@127.0.0.1:" + gw.proxy.address().getPort(),
                "--cacert", gw.caPem.toString(), url);
        assertTrue(wrong.stderr().contains("407"), wrong.stderr());
    }

    @Test
    void credentialsNameTheAgentInTheAuditLogAndNeverReachUpstream() throws Exception {
        Curl.Result r = Curl.run("--proxy", proxyWithCredentials(), "--cacert", gw.caPem.toString(),
                "https://api.test:" + gw.upstream.port() + "/whoami");
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(!r.body().contains("proxy-authorization"), "the proxy credential must not be forwarded: " + r.body());
        assertTrue(gw.auditLines().stream().anyMatch(l -> l.contains("\"agent\":\"ci-bot\"") && l.contains("/whoami")));
    }

    @Test
    void passthroughRelaysTheUpstreamsOwnTls() throws Exception {
        // Trusting only the upstream's CA proves airlock did not terminate this TLS session.
        Curl.Result r = Curl.run("--proxy", proxyWithCredentials(), "--cacert", gw.upstream.caPem().toString(), "-w", "\\n%{http_code}",
                "https://pass.test:" + gw.upstream.port() + "/raw");
        assertTrue(r.body().endsWith("200"), r.body() + r.stderr());
        assertTrue(gw.auditLines().stream().noneMatch(l -> l.contains("\"path\":\"/raw\"")), "nothing inside passthrough is inspected");
        // When curl has closed, the relayed flow's outcome says how much went each way.
        var outcomes = gw.awaitAuditLines(l -> l.contains("\"kind\":\"outcome\"") && l.contains("\"host\":\"pass.test\""), 1);
        assertTrue(outcomes.size() >= 1, "an outcome for the passthrough flow: " + gw.auditLines());
        var outcome = new com.fasterxml.jackson.databind.ObjectMapper().readTree(outcomes.getFirst());
        assertEquals("connect", outcome.path("phase").asText());
        assertTrue(outcome.path("bytes_up").asLong() > 200, "at least the ClientHello went up: " + outcome);
        assertTrue(outcome.path("bytes_down").asLong() > 1000, "the server's handshake and response came down: " + outcome);
    }

    @Test
    void passthroughChecksTheServerName() throws Exception {
        try (Socket s = new Socket("127.0.0.1", gw.proxy.address().getPort())) {
            s.setSoTimeout(5000);
            String auth = java.util.Base64.getEncoder().encodeToString(("ci-bot:" + TOKEN).getBytes(StandardCharsets.UTF_8));
            s.getOutputStream().write(("CONNECT pass.test:" + gw.upstream.port() + " HTTP/1.1\r\nProxy-Authorization: Basic " + auth
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            byte[] head = new byte[39];
            assertEquals(39, in.readNBytes(head, 0, 39));
            assertTrue(new String(head, StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200"));
            javax.net.ssl.SSLSocket tls = (javax.net.ssl.SSLSocket) ((javax.net.ssl.SSLSocketFactory) javax.net.ssl.SSLSocketFactory.getDefault())
                    .createSocket(s, "other.test", gw.upstream.port(), true);
            try {
                tls.startHandshake();
                throw new AssertionError("the handshake with a fronted SNI must not complete");
            } catch (java.io.IOException expected) {
                // airlock closed the flow instead of relaying it
            }
        }
        assertTrue(gw.auditLines().stream().anyMatch(l -> l.contains("'other.test' does not match the approved destination")));
    }

    @Test
    void slowClientIsCutOffAfterTheHeaderTimeout() throws Exception {
        try (Socket s = new Socket("127.0.0.1", gw.proxy.address().getPort())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write("CONNECT api.test:443 HTTP/1.1\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
            long start = System.nanoTime();
            int read = s.getInputStream().read();
            long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals(-1, read, "the proxy must close the connection");
            assertTrue(waited >= 900 && waited < 4000, "closed after " + waited + " ms");
        }
    }

    @Test
    void connectToAPortThePolicyDoesNotAllowIsDenied() throws Exception {
        Curl.Result r = Curl.run("--proxy", proxyWithCredentials(), "--cacert", gw.caPem.toString(), "https://api.test:22/");
        assertNotEquals(0, r.exitCode());
        assertTrue(r.stderr().contains("403"), r.stderr());
        assertTrue(gw.auditLines().stream().anyMatch(l -> l.contains("port 22 is not allowed")));
    }
}
