package dev.airlock.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.gateway.support.GatewayHarness;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JDK HttpClient and python3 through the proxy: HTTP/2, SSE streaming, WebSocket. */
class ProxyClientsTest {
    @TempDir
    static Path dir;

    static GatewayHarness gw;
    static HttpClient client;

    @BeforeAll
    static void start() throws Exception {
        gw = new GatewayHarness(dir, ProxyTlsTest.RULES, AgentDirectory.open(), "api.test");
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(gw.caPem)) {
            trust.setCertificateEntry("airlock", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        client = HttpClient.newBuilder()
                .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", gw.proxy.address().getPort())))
                .sslContext(ssl)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        gw.close();
    }

    private static URI uri(String path) {
        return URI.create("https://api.test:" + gw.upstream.port() + path);
    }

    @Test
    void jdkHttpClientUsesHttp2ThroughTheProxy() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri("/jdk")).POST(HttpRequest.BodyPublishers.ofString("hello"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertEquals(HttpClient.Version.HTTP_2, r.version());
        assertTrue(r.body().contains("\"protocol\":\"HTTP/2\"") && r.body().contains("\"body\":\"hello\""), r.body());
    }

    @Test
    void serverSentEventsStreamWithoutBuffering() throws Exception {
        HttpRequest req = HttpRequest.newBuilder(uri("/sse")).version(HttpClient.Version.HTTP_1_1).build();
        long start = System.nanoTime();
        HttpResponse<InputStream> r = client.send(req, HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            assertEquals("data: event 0", lines.readLine());
            long firstEventMillis = (System.nanoTime() - start) / 1_000_000;
            // The stream lasts ~900 ms; the first event arrives after ~300 ms unless someone buffers.
            assertTrue(firstEventMillis < 800, "first event after " + firstEventMillis + " ms: the proxy is buffering");
            lines.readLine();
            assertEquals("data: event 1", lines.readLine());
        }
    }

    @Test
    void webSocketUpgradeIsDecidedThenRelayed() throws Exception {
        CompletableFuture<String> reply = new CompletableFuture<>();
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        HttpClient h1 = HttpClient.newBuilder().proxy(client.proxy().orElseThrow()).sslContext(client.sslContext())
                .version(HttpClient.Version.HTTP_1_1).build();
        WebSocket ws = h1.newWebSocketBuilder().buildAsync(URI.create("wss://api.test:" + gw.upstream.port() + "/ws"),
                new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        reply.complete(data.toString());
                        webSocket.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                        closed.complete(statusCode);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        ws.sendText("ping", true);
        assertEquals("echo: ping", reply.get(10, TimeUnit.SECONDS));
        ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        assertEquals(WebSocket.NORMAL_CLOSURE, closed.get(10, TimeUnit.SECONDS), "the close handshake crosses the relay");
        assertEquals(1, gw.awaitAuditLines(l -> l.contains("\"path\":\"/ws\"") && l.contains("\"status\":101"), 1).size(),
                "the upgrade request's outcome must be audited with its 101: " + gw.auditLines());
        h1.shutdownNow();
    }

    @Test
    void python3UrllibThroughTheProxy() throws Exception {
        String script = String.join("\n",
                "import os, ssl, urllib.request",
                "ctx = ssl.create_default_context(cafile=os.environ['CA'])",
                "opener = urllib.request.build_opener(urllib.request.ProxyHandler({'https': os.environ['PROXY']}),",
                "                                     urllib.request.HTTPSHandler(context=ctx))",
                "print(opener.open(os.environ['URL'], timeout=10).read().decode())");
        String out = python(script, java.util.Map.of("PROXY", gw.proxyUrl(), "URL", uri("/python").toString()));
        assertTrue(out.contains("\"uri\":\"/python\""), out);
    }

    /**
     * A response to HEAD has no body, also when airlock writes it (a denial's JSON): if the
     * body went out anyway, the client would read it as the start of its next response. The
     * requests are pipelined over one raw TLS connection and the bytes checked exactly — a
     * library client may drop what it buffered past a HEAD response and hide the fault.
     */
    @Test
    void headRequestsKeepTheConnectionUsable() throws Exception {
        String script = String.join("\n",
                "import os, socket, ssl",
                "ctx = ssl.create_default_context(cafile=os.environ['CA'])",
                "port = os.environ['PORT']",
                "s = socket.create_connection(('127.0.0.1', int(os.environ['PROXY_PORT'])), timeout=10)",
                "s.sendall(f'CONNECT api.test:{port} HTTP/1.1\\r\\nHost: api.test:{port}\\r\\n\\r\\n'.encode())",
                "head = b''",
                "while not head.endswith(b'\\r\\n\\r\\n'): head += s.recv(1)",
                "assert b' 200 ' in head, head",
                "t = ctx.wrap_socket(s, server_hostname='api.test')",
                "host = f'Host: api.test:{port}\\r\\n'",
                "t.sendall((f'HEAD /forbidden/x HTTP/1.1\\r\\n{host}\\r\\n' + f'HEAD /allowed HTTP/1.1\\r\\n{host}\\r\\n'",
                "           + f'GET /after-head HTTP/1.1\\r\\n{host}Connection: close\\r\\n\\r\\n').encode())",
                "data = b''",
                "while True:",
                "    chunk = t.recv(65536)",
                "    if not chunk: break",
                "    data += chunk",
                "print(data.decode('latin-1'), end='')");
        String out = python(script, java.util.Map.of("PROXY_PORT", Integer.toString(gw.proxy.address().getPort()),
                "PORT", Integer.toString(gw.upstream.port())));
        String[] parts = out.split("\r\n\r\n", 3);
        assertEquals(3, parts.length, out);
        assertTrue(parts[0].startsWith("HTTP/1.1 403 "), "the denied HEAD: " + out);
        assertTrue(parts[1].startsWith("HTTP/1.1 200 "), "the denied HEAD's answer ends with its head: " + out);
        assertTrue(parts[2].startsWith("HTTP/1.1 200 "), "the allowed HEAD's answer ends with its head: " + out);
        assertTrue(parts[2].contains("\"uri\":\"/after-head\""), "then the GET is answered: " + out);
    }

    /** Runs a python3 script with airlock's CA in {@code CA} and {@code env}; returns its output once it has exited 0. */
    private static String python(String script, java.util.Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("python3", "-c", script);
        pb.environment().put("CA", gw.caPem.toString());
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out + err);
        return out;
    }
}
