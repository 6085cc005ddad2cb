package dev.airlock.policy.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.policy.Decision;
import dev.airlock.policy.cache.DecisionCache;
import dev.airlock.policy.value.BoolValue;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.StringValue;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The OPA REST client against airlock's own OPA-compatible server, over real loopback HTTP. */
class OpaRestEngineTest {
    private static final String PATH = "airlock/egress/decision";
    private ServerHarness h;
    private OpaRestEngine client;

    @BeforeEach
    void start() throws Exception {
        h = new ServerHarness(true);
        client = new OpaRestEngine(OpaClientOptions.of(h.base).withTimeout(Duration.ofSeconds(2)).withDeadline(Duration.ofSeconds(4)));
    }

    @AfterEach
    void stop() {
        client.close();
        h.close();
    }

    private static String reason(Decision d) {
        return ((StringValue) ((ObjectValue) d.result()).get("reason")).value();
    }

    @Test
    void allowedAndDeniedDecisionsCarryIdAndRevision() {
        Decision allowed = client.evaluate(PATH, Fixtures.input("github.com"));
        assertEquals(BoolValue.TRUE, ((ObjectValue) allowed.result()).get("allow"));
        assertNotNull(allowed.decisionId(), "the server's decision_id is captured");
        assertEquals(h.store.revision(), allowed.revision(), "revision from provenance");
        assertEquals(h.store.revision(), client.revision());
        assertTrue(allowed.evalNanos() > 0);

        Decision denied = client.evaluate("airlock.egress.decision", Fixtures.input("evil.example"));
        assertEquals(BoolValue.FALSE, ((ObjectValue) denied.result()).get("allow"));
        assertEquals("host not in allowlist", reason(denied));
        assertNotEquals(allowed.decisionId(), denied.decisionId());
    }

    @Test
    void undefinedDocumentIsAnUndefinedDecision() {
        Decision d = client.evaluate("airlock/egress/no_such_rule", Fixtures.input("github.com"));
        assertFalse(d.defined(), "callers deny undefined");
        assertNotNull(d.decisionId());
    }

    @Test
    void queryReturnsBindings() {
        var rows = client.query("host := data.allowed_hosts[i]", null);
        assertEquals(2, rows.size());
        assertEquals(StringValue.of("github.com"), rows.get(1).get("host"));
        assertTrue(client.query("data.allowed_hosts[_] == \"none\"", null).isEmpty());
    }

    @Test
    void policyPutChangesTheDecisionAndInvalidatesTheCache() throws Exception {
        DecisionCache cache = new DecisionCache(client);
        var input = Fixtures.input("github.com");
        assertEquals("allowlisted", reason(cache.evaluate(PATH, input)));
        assertEquals("allowlisted", reason(cache.evaluate(PATH, input)));
        assertEquals(1, cache.hits());
        String oldRevision = client.revision();

        var put = h.send("PUT", "/v1/policies/" + Fixtures.EGRESS_ID, Fixtures.EGRESS_LOCKDOWN);
        assertEquals(200, put.status(), put.body());
        // A remote policy change is invisible to the cache until told (or the TTL passes)...
        assertEquals("allowlisted", reason(cache.evaluate(PATH, input)));
        cache.invalidate();
        // ...and after invalidate() the next decision comes from the new policy.
        Decision fresh = cache.evaluate(PATH, input);
        assertEquals("lockdown", reason(fresh));
        assertNotEquals(oldRevision, fresh.revision());
        assertEquals(h.store.revision(), fresh.revision());
        assertEquals(2, cache.hits());
        assertEquals(2, cache.misses());
    }

    @Test
    void serverDownFailsClosedAfterRetries() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (OpaRestEngine down = new OpaRestEngine(OpaClientOptions.of(URI.create("http://127.0.0.1:" + port))
                .withRetries(3, Duration.ofMillis(5)))) {
            long start = System.nanoTime();
            OpaException e = assertThrows(OpaException.class, () -> down.evaluate(PATH, Fixtures.input("github.com")));
            var f = assertInstanceOf(OpaFailure.Unreachable.class, e.failure());
            assertEquals(3, f.attempts());
            assertTrue(e.getMessage().contains("is unreachable: connection refused (after 3 attempts)"), e.getMessage());
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(1).toNanos(), "bounded by the deadline");
        }
    }

    @Test
    void silentServerTimesOutQuicklyWithoutRetry() throws Exception {
        List<Socket> accepted = new ArrayList<>();
        try (ServerSocket silent = new ServerSocket(0, 8, InetAddress.getLoopbackAddress())) {
            Thread acceptor = Thread.ofVirtual().start(() -> {
                try {
                    while (true) accepted.add(silent.accept()); // accept, then say nothing
                } catch (java.io.IOException closed) {
                    // the test is over
                }
            });
            var options = OpaClientOptions.of(URI.create("http://127.0.0.1:" + silent.getLocalPort()))
                    .withTimeout(Duration.ofMillis(200)).withDeadline(Duration.ofSeconds(2));
            try (OpaRestEngine slow = new OpaRestEngine(options)) {
                long start = System.nanoTime();
                OpaException e = assertThrows(OpaException.class, () -> slow.evaluate(PATH, Fixtures.input("github.com")));
                long elapsedMs = (System.nanoTime() - start) / 1_000_000;
                var f = assertInstanceOf(OpaFailure.TimedOut.class, e.failure());
                assertEquals(1, f.attempts(), "a timeout is not retried");
                assertTrue(elapsedMs >= 190 && elapsedMs < 1000, "took " + elapsedMs + " ms");
                assertTrue(e.getMessage().contains("did not answer within 200 ms"), e.getMessage());
            }
            silent.close();
            acceptor.join(2000);
        } finally {
            for (Socket s : accepted) s.close();
        }
    }

    @Test
    void serverErrorIsRetriedThenFailsClosed() throws Exception {
        String opaError = """
                {"code": "internal_error", "message": "storage is unavailable"}""";
        try (CannedOpa opa = new CannedOpa().answer("/v1/data/airlock/egress/decision", 500, opaError);
             OpaRestEngine c = new OpaRestEngine(OpaClientOptions.of(opa.url()).withRetries(3, Duration.ofMillis(5)))) {
            OpaException e = assertThrows(OpaException.class, () -> c.evaluate(PATH, Fixtures.input("github.com")));
            var f = assertInstanceOf(OpaFailure.HttpStatus.class, e.failure());
            assertEquals(500, f.status());
            assertEquals("internal_error", f.error().code());
            assertEquals(3, opa.seen.size(), "5xx is retried up to maxAttempts");
            assertTrue(e.getMessage().contains("answered HTTP 500 (internal_error: storage is unavailable) (after 3 attempts)"),
                    e.getMessage());
        }
    }

    @Test
    void pathSegmentsCannotReshapeTheUrl() {
        assertEquals("/airlock/egress/decision", OpaRestEngine.encodePath("airlock.egress/decision/"));
        assertEquals("/a%3Fb/c%23d/e%25f/%20x/%C3%A9", OpaRestEngine.encodePath("a?b/c#d/e%f/ x/é"));
        assertThrows(IllegalArgumentException.class, () -> OpaClientOptions.of(URI.create("http://opa:8181/?x=1")));
        assertThrows(IllegalArgumentException.class, () -> OpaClientOptions.of(URI.create("file:///etc/passwd")));
    }
}
