package dev.airlock.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.gateway.decision.EgressDecider;
import dev.airlock.gateway.support.Curl;
import dev.airlock.gateway.support.GatewayHarness;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The header timeout (1 s in the harness) is the client's time to send its request head. A
 * connect decision that takes longer than that — a slow OPA, a slow disk for the audit record —
 * is airlock's time: the client that sent its CONNECT at once must not be cut off for it.
 */
class SlowDecisionTest {
    static final long DECISION_MS = 1_500;

    @TempDir
    Path dir;

    @Test
    void aDecisionSlowerThanTheHeaderTimeoutDoesNotCutTheClientOff() throws Exception {
        EgressDecider slow = input -> CompletableFuture
                .supplyAsync(() -> null, CompletableFuture.delayedExecutor(DECISION_MS, TimeUnit.MILLISECONDS))
                .thenCompose(x -> ProxyTlsTest.RULES.decide(input));
        try (GatewayHarness gw = new GatewayHarness(dir, slow, AgentDirectory.open(), "api.test")) {
            assertTrue(GatewayHarness.LIMITS.headerTimeoutMillis() < DECISION_MS, "the decision outlasts the header timeout");
            long start = System.nanoTime();
            Curl.Result r = Curl.run("--proxy", gw.proxyUrl(), "--cacert", gw.caPem.toString(), "-w", "\\n%{http_code}",
                    "https://api.test:" + gw.upstream.port() + "/slow-decision");
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(r.body().endsWith("\n200") && r.body().contains("/slow-decision"), r.body() + r.stderr());
            assertTrue(tookMs >= 2 * DECISION_MS, "both decisions (connect, request) were slow: " + tookMs + " ms");
        }
    }
}
