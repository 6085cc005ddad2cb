package dev.airlock.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.gateway.decision.PolicyDecider;
import dev.airlock.gateway.support.Curl;
import dev.airlock.gateway.support.GatewayHarness;
import dev.airlock.policy.rest.OpaApi;
import dev.airlock.policy.rest.OpaClientOptions;
import dev.airlock.policy.rest.OpaRestEngine;
import dev.airlock.policy.rest.OpaServer;
import dev.airlock.policy.rest.PolicyStore;
import dev.airlock.policy.value.Json;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway deciding through OPA's REST API: against airlock's OPA-compatible server running
 * the shipped Rego policy, and against an OPA that is down (every flow denied, reason audited).
 */
class OpaRestGatewayTest {
    @TempDir
    static Path dir;

    static ExecutorService pool = Executors.newFixedThreadPool(4);
    static OpaServer opa;

    @BeforeAll
    static void startOpa() throws Exception {
        Path root = Path.of(System.getProperty("airlock.root", ".."));
        String policy = Files.readString(root.resolve("rego/airlock/egress.rego"));
        // The allowlist arrives later as a policy module (PUT /v1/policies), once the upstream port is known.
        var data = Json.parse("{}");
        opa = OpaServer.start(new InetSocketAddress("127.0.0.1", 0),
                new OpaApi(PolicyStore.load(Map.of("egress.rego", policy), data), true));
    }

    @AfterAll
    static void stop() {
        opa.close();
        pool.shutdownNow();
    }

    @Test
    void opaDownDeniesEveryFlowAndSaysWhy() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        var engine = new OpaRestEngine(OpaClientOptions.of(URI.create("http://127.0.0.1:" + closedPort))
                .withTimeout(Duration.ofMillis(200)));
        try (GatewayHarness gw = new GatewayHarness(dir.resolve("down"), new PolicyDecider(engine, "airlock/egress/decision", pool),
                AgentDirectory.open(), "api.test")) {
            Curl.Result r = Curl.run("--proxy", gw.proxyUrl(), "--cacert", gw.caPem.toString(),
                    "https://api.test:" + gw.upstream.port() + "/");
            assertTrue(r.exitCode() != 0 && r.stderr().contains("403"), r.stderr());
            assertTrue(gw.auditLines().stream().anyMatch(l -> l.contains("\"allow\":false") && l.contains("policy error")),
                    "the outage is audited as the reason");
        }
    }

    @Test
    void decisionsComeFromOpaOverRest() throws Exception {
        var engine = new OpaRestEngine(OpaClientOptions.of(URI.create("http://127.0.0.1:" + opa.address().getPort())));
        try (GatewayHarness gw = new GatewayHarness(dir.resolve("up"), new PolicyDecider(engine, "airlock/egress/decision", pool),
                AgentDirectory.open(), "api.test")) {
            // The allowlist for this harness's upstream port, pushed through OPA's policy API.
            var put = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + opa.address().getPort() + "/v1/policies/port"))
                    .PUT(java.net.http.HttpRequest.BodyPublishers.ofString(
                            "package airlock.config\n\nallow := [{\"host\": \"api.test\", \"ports\": [" + gw.upstream.port()
                                    + "], \"allow_cidrs\": [\"127.0.0.0/8\"]}]\n"))
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertEquals(200, put.statusCode(), put.body());
            Curl.Result ok = Curl.run("--proxy", gw.proxyUrl(), "--cacert", gw.caPem.toString(), "-w", "\\n%{http_code}",
                    "https://api.test:" + gw.upstream.port() + "/via-opa");
            assertTrue(ok.body().endsWith("200"), ok.body() + ok.stderr());
            Curl.Result denied = Curl.run("--proxy", gw.proxyUrl(), "--cacert", gw.caPem.toString(),
                    "https://elsewhere.test:" + gw.upstream.port() + "/");
            assertTrue(denied.stderr().contains("403"), denied.stderr());
        }
    }
}
