package dev.airlock.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.gateway.support.Curl;
import dev.airlock.gateway.support.GatewayHarness;
import dev.airlock.secrets.store.SecretsStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Placeholders through the proxy: replaced by the real value only for api.test, in the
 * allowed placements; blocked and audited anywhere else; real values redacted from responses.
 */
class ProxySecretsTest {
    static final String SECRET = "sk-live-0123456789abcdefXYZ";

    @TempDir
    static Path dir;

    static GatewayHarness gw;
    static String placeholder;

    @BeforeAll
    static void start() throws Exception {
        Files.writeString(dir.resolve("key.txt"), SECRET + "\n");
        Files.writeString(dir.resolve("secrets.yaml"), """
                secrets:
                  - name: API_KEY
                    from_file: key.txt
                    hosts: ["api.test:*"]
                    placements: [header, basic, query, body]
                """);
        SecretsStore store = SecretsStore.open(dir.resolve("secrets.yaml"), dir.resolve("state"));
        placeholder = store.current().placeholders().get("API_KEY");
        gw = new GatewayHarness(dir, ProxyTlsTest.RULES, AgentDirectory.open(), store, "api.test", "other.test");
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
    }

    @BeforeEach
    void clearUpstream() {
        gw.upstream.received.clear();
    }

    private Curl.Result curl(String... extra) throws Exception {
        String[] base = {"--proxy", gw.proxyUrl(), "--cacert", gw.caPem.toString(), "-w", "\\n%{http_code}"};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return Curl.run(all);
    }

    private String url(String host, String path) {
        return "https://" + host + ":" + gw.upstream.port() + path;
    }

    private String upstreamSaw() throws InterruptedException {
        String seen = gw.upstream.received.poll(5, TimeUnit.SECONDS);
        assertTrue(seen != null, "the upstream received no request");
        return seen;
    }

    @Test
    void placeholderInHeaderIsReplacedAndTheEchoIsRedacted() throws Exception {
        Curl.Result r = curl("-H", "Authorization: Bearer " + placeholder, url("api.test", "/v1/models"));
        assertTrue(r.body().endsWith("200"), r.body() + r.stderr());
        assertTrue(upstreamSaw().contains("Bearer " + SECRET), "the upstream must receive the real secret");
        assertFalse(r.body().contains(SECRET), "the echoed secret must be redacted: " + r.body());
        assertTrue(r.body().contains("Bearer " + "*".repeat(SECRET.length())), r.body());
        assertTrue(gw.auditLines().stream().anyMatch(l -> l.contains("/v1/models") && l.contains("\"secrets_injected\":[\"API_KEY\"]")),
                "the injection is audited by name");
        assertTrue(gw.auditLines().stream().noneMatch(l -> l.contains(SECRET)), "the audit log never holds the value");
    }

    /**
     * An allowed request leaves two records with one decision id: the decision (with the
     * policy input it was made on, placeholders and not values) before the request is sent,
     * and its outcome (status, bytes each way) once the response has ended.
     */
    @Test
    void anAllowedRequestIsRecordedAsItsDecisionAndThenItsOutcome() throws Exception {
        String body = "{\"q\":\"" + "x".repeat(300) + "\"}";
        Curl.Result r = curl("-H", "Authorization: Bearer " + placeholder, "--data", body, url("api.test", "/v1/two-records"));
        assertTrue(r.body().endsWith("200"), r.body() + r.stderr());
        int delivered = r.body().length() - "\n200".length(); // -w appends a newline and the status
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        java.util.List<com.fasterxml.jackson.databind.JsonNode> records = new java.util.ArrayList<>();
        for (String line : gw.awaitAuditLines(l -> l.contains("/v1/two-records"), 2)) records.add(json.readTree(line));
        assertEquals(2, records.size(), "one decision and one outcome record: " + records);
        var decision = records.get(0);
        var outcome = records.get(1);
        assertEquals("decision", decision.path("kind").asText());
        assertTrue(decision.path("allow").asBoolean());
        assertTrue(decision.path("status").isNull(), "no status is known when the decision is recorded");
        assertEquals("request", decision.at("/input/phase").asText(), "the decision carries its policy input");
        assertEquals("/v1/two-records", decision.at("/input/request/path").asText());
        assertEquals("[\"API_KEY\"]", decision.at("/input/secrets").toString());
        assertEquals("outcome", outcome.path("kind").asText());
        assertEquals(decision.path("decision_id").asText(), outcome.path("decision_id").asText());
        assertTrue(outcome.path("seq").asLong() > decision.path("seq").asLong());
        assertEquals(200, outcome.path("status").asInt());
        assertEquals(body.length(), outcome.path("bytes_up").asLong(), "request body bytes");
        assertEquals(delivered, outcome.path("bytes_down").asLong(), "response body bytes the client received");
        assertEquals("[\"API_KEY\"]", outcome.path("secrets_injected").toString());
        assertFalse(outcome.has("input"));
        assertTrue(gw.auditLines().stream().noneMatch(l -> l.contains(SECRET)), "the audit log never holds the value");
    }

    @Test
    void placeholderInQueryAndBasicAuth() throws Exception {
        Curl.Result q = curl(url("api.test", "/q?key=" + placeholder));
        assertTrue(q.body().endsWith("200"), q.body());
        assertTrue(upstreamSaw().contains("/q?key=" + SECRET));
        Curl.Result b = curl("-u", "user:" + placeholder, url("api.test", "/basic"));
        assertTrue(b.body().endsWith("200"), b.body());
        String expected = Base64.getEncoder().encodeToString(("user:" + SECRET).getBytes());
        assertTrue(upstreamSaw().contains("Basic " + expected));
    }

    @Test
    void placeholderInBodyIsReplaced() throws Exception {
        Curl.Result r = curl("-H", "Content-Type: application/json", "--data", "{\"key\":\"" + placeholder + "\"}", url("api.test", "/body"));
        assertTrue(r.body().endsWith("200"), r.body());
        assertTrue(upstreamSaw().contains("\\\"key\\\":\\\"" + SECRET + "\\\""));
    }

    @Test
    void placeholderToAnUnscopedHostIsBlockedAndAudited() throws Exception {
        for (String[] attempt : new String[][] {
                {"-H", "X-Key: " + placeholder, url("other.test", "/h")},
                {url("other.test", "/q?k=" + placeholder)},
                {"-H", "Content-Type: text/plain", "--data", "x=" + placeholder, url("other.test", "/b")}}) {
            Curl.Result r = curl(attempt);
            assertTrue(r.body().endsWith("403"), r.body());
            assertTrue(r.body().contains("secret placeholder blocked"), r.body());
        }
        assertTrue(gw.upstream.received.isEmpty(), "nothing reached the upstream");
        assertEquals(3, gw.auditLines().stream().filter(l -> l.contains("other.test") && l.contains("\"leak\":[\"API_KEY\"]")).count());
    }
}
