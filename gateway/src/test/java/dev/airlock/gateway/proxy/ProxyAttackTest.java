package dev.airlock.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.gateway.support.GatewayHarness;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bypass attempts at the proxy's front door, each refused with a reason and audited. */
class ProxyAttackTest {
    @TempDir
    static Path dir;

    static GatewayHarness gw;

    @BeforeAll
    static void start() throws Exception {
        gw = new GatewayHarness(dir, ProxyTlsTest.RULES, AgentDirectory.open(), "api.test");
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"2130706433", "0177.0.0.1", "0x7f.0.0.1", "127.1", "0x7f000001", "127.0.0.1."})
    void obfuscatedIpv4InConnectIsDeniedAndAudited(String host) throws Exception {
        String reply = RawProxyClient.exchange(gw.proxy.address(), "CONNECT " + host + ":443 HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue(reply.startsWith("HTTP/1.1 403"), reply);
        assertTrue(reply.contains("non-canonical IP address form"), reply);
        assertTrue(gw.auditLines().stream().anyMatch(l -> l.contains("\"" + host + ":443\"") && l.contains("non-canonical")),
                "audited: " + host);
    }

    @ParameterizedTest
    @ValueSource(strings = {"[::1]", "[::ffff:127.0.0.1]", "127.0.0.1", "[fe80::1]", "169.254.169.254", "[::ffff:a9fe:a9fe]"})
    void ipLiteralsOfSpecialRangesNeverReachPolicyApproval(String host) throws Exception {
        // The rules below deny every IP literal by host; the guard would refuse them anyway.
        String reply = RawProxyClient.exchange(gw.proxy.address(), "CONNECT " + host + ":443 HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue(reply.startsWith("HTTP/1.1 403"), reply);
    }

    @Test
    void connectWithoutPortIsRefused() throws Exception {
        String reply = RawProxyClient.exchange(gw.proxy.address(), "CONNECT api.test HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue(reply.startsWith("HTTP/1.1 403"), reply);
    }

    @Test
    void originFormRequestToTheProxyIsABadRequest() throws Exception {
        String reply = RawProxyClient.exchange(gw.proxy.address(), "GET / HTTP/1.1\r\nHost: api.test\r\n\r\n");
        assertTrue(reply.startsWith("HTTP/1.1 400"), reply);
    }

    @Test
    void smugglingWithBothContentLengthAndChunkedIsRejected() throws Exception {
        String reply = RawProxyClient.exchange(gw.proxy.address(),
                "POST http://api.test:80/ HTTP/1.1\r\nHost: api.test\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
        assertTrue(reply.startsWith("HTTP/1.1 400"), reply);
    }

    @Test
    void oversizedHeadersAreRejected() throws Exception {
        String big = "X-Big: " + "a".repeat(64 * 1024) + "\r\n";
        String reply = RawProxyClient.exchange(gw.proxy.address(), "CONNECT api.test:443 HTTP/1.1\r\n" + big + "\r\n");
        assertTrue(reply.startsWith("HTTP/1.1 400") || reply.startsWith("HTTP/1.1 431"), reply);
    }
}
