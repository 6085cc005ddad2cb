package dev.airlock.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.gateway.decision.Decision;
import dev.airlock.gateway.decision.EgressDecider;
import dev.airlock.gateway.net.Cidr;
import dev.airlock.gateway.support.Curl;
import dev.airlock.gateway.support.GatewayHarness;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.StringValue;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * curl through the proxy to a real TLS server on loopback. The decider here is a plain Java
 * rule so that these tests exercise the proxy mechanics alone; end-to-end tests with Rego
 * policies live in the test module.
 */
class ProxyTlsTest {
    @TempDir
    static Path dir;

    static GatewayHarness gw;

    /** api.test is allowed (with loopback opened by allow_cidrs); /forbidden paths and other hosts are denied. */
    static final EgressDecider RULES = input -> {
        ObjectValue dst = (ObjectValue) input.get("destination");
        String host = ((StringValue) dst.get("host")).value();
        String phase = ((StringValue) input.get("phase")).value();
        boolean allowHost = host.equals("api.test") || host.equals("other.test") || host.equals("pass.test") || host.equals("private.test") || host.equals("rebind.test");
        boolean allow = allowHost;
        String reason = allowHost ? host + " is allowed" : "host " + host + " is not on the allowlist";
        if (allow && phase.equals("request")) {
            String path = ((StringValue) ((ObjectValue) input.get("request")).get("path")).value();
            if (path.startsWith("/forbidden")) {
                allow = false;
                reason = "path " + path + " is forbidden";
            }
        }
        if (((dev.airlock.policy.value.NumberValue) dst.get("port")).toIntExact() == 22) {
            allow = false;
            reason = "port 22 is not allowed";
        }
        List<Cidr> cidrs = host.endsWith(".test") && !host.startsWith("private") && !host.startsWith("rebind")
                ? List.of(Cidr.parse("127.0.0.0/8")) : List.of();
        return CompletableFuture.completedFuture(new Decision(allow, reason, "id-" + phase, "rev-1", cidrs,
                host.equals("pass.test") ? Decision.TlsMode.PASSTHROUGH : Decision.TlsMode.INSPECT, null));
    };

    @BeforeAll
    static void start() throws Exception {
        gw = new GatewayHarness(dir, RULES, AgentDirectory.open(), "api.test");
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
    }

    private Curl.Result curl(String... extra) throws Exception {
        String[] base = {"--proxy", gw.proxyUrl(), "--cacert", gw.caPem.toString()};
        String[] all = new String[base.length + extra.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(extra, 0, all, base.length, extra.length);
        return Curl.run(all);
    }

    private String url(String path) {
        return "https://api.test:" + gw.upstream.port() + path;
    }

    @Test
    void http11RequestIsInspectedAndForwarded() throws Exception {
        Curl.Result r = curl("--http1.1", url("/v1/hello?x=1"));
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.body().contains("\"protocol\":\"HTTP/1.1\""), r.body());
        assertTrue(r.body().contains("\"uri\":\"/v1/hello?x=1\""), r.body());
        assertTrue(gw.auditLines().stream().anyMatch(l -> l.contains("\"phase\":\"request\"") && l.contains("/v1/hello")),
                "the request must be audited");
    }

    @Test
    void http2IsNegotiatedOnBothSides() throws Exception {
        Curl.Result r = curl("--http2", "-w", "\\n%{http_version}", url("/h2"));
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.body().contains("\"protocol\":\"HTTP/2\""), r.body());
        assertTrue(r.body().endsWith("\n2"), "curl must have spoken HTTP/2 to airlock: " + r.body());
    }

    @Test
    void deniedRequestGets403WithDecisionId() throws Exception {
        Curl.Result r = curl("--http1.1", "-w", "\\n%{http_code}", url("/forbidden/x"));
        assertEquals(0, r.exitCode(), r.stderr());
        assertTrue(r.body().contains("\"error\":\"denied\""), r.body());
        assertTrue(r.body().contains("\"decision_id\":\"id-request\""), r.body());
        assertTrue(r.body().endsWith("403"), r.body());
    }

    @Test
    void deniedHostNeverConnects() throws Exception {
        Curl.Result r = curl(url("/").replace("api.test", "evil.test"));
        assertNotEquals(0, r.exitCode());
        assertTrue(r.stderr().contains("403"), r.stderr());
    }

    @Test
    void domainFrontingByHostHeaderIs421() throws Exception {
        Curl.Result r = curl("--http1.1", "-H", "Host: evil.test", "-w", "\\n%{http_code}", url("/"));
        assertTrue(r.body().endsWith("421"), r.body() + r.stderr());
        assertTrue(r.body().contains("domain fronting"), r.body());
    }

    @Test
    void privateAddressWithoutAllowCidrsIsRefused() throws Exception {
        Curl.Result r = curl(url("/").replace("api.test", "private.test"));
        assertNotEquals(0, r.exitCode());
        assertTrue(gw.auditLines().stream().anyMatch(l -> l.contains("private.test") && l.contains("is private")), "audited");
    }

    @Test
    void nameResolvingToAnyPrivateAddressIsRefused() throws Exception {
        Curl.Result r = curl(url("/").replace("api.test", "rebind.test"));
        assertNotEquals(0, r.exitCode());
        assertTrue(gw.auditLines().stream().anyMatch(l -> l.contains("rebind.test") && l.contains("loopback")), "audited");
    }
}
