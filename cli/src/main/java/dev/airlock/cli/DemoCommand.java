package dev.airlock.cli;

import dev.airlock.gateway.Gateway;
import dev.airlock.gateway.proxy.ProxyServer;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code airlock demo}: the whole pipeline on loopback in a few seconds, with nothing to set
 * up — a local TLS "API", the proxy with the shipped policy and a demo secret, an allowed
 * request that gets the secret injected, denied requests, a leak attempt, and the audit
 * trail that recorded all of it.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Show airlock end to end on loopback: policy, TLS interception, secret injection, leak blocking, audit.")
final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--keep", paramLabel = "DIR", description = "Keep the demo's files (CA, policy data, audit log) in DIR.")
    Path keep;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path dir = keep != null ? Files.createDirectories(keep) : Files.createTempDirectory("airlock-demo");
        String secret = "sk-demo-" + HexFormat.of().formatHex(SecureRandom.getInstanceStrong().generateSeed(12));
        try (DemoUpstream api = new DemoUpstream(dir.resolve("public-ca"), "api.demo.test", "paste.demo.test")) {
            Files.writeString(dir.resolve("demo-key.txt"), secret + "\n");
            Files.writeString(dir.resolve("secrets.yaml"), """
                    secrets:
                      - name: DEMO_API_KEY
                        from_file: demo-key.txt
                        hosts: ["api.demo.test:*"]
                        placements: [header]
                    """);
            Files.writeString(dir.resolve("data.json"), """
                    {"airlock": {"config": {"allow": [
                      {"host": "api.demo.test", "ports": [%d], "methods": ["GET", "POST"], "paths": ["/v1/"],
                       "allow_cidrs": ["127.0.0.0/8"], "secrets": ["DEMO_API_KEY"]},
                      {"host": "paste.demo.test", "ports": [%d], "allow_cidrs": ["127.0.0.0/8"]}
                    ]}}}
                    """.formatted(api.port(), api.port()));
            GatewayOptions o = new GatewayOptions();
            o.data = List.of(dir.resolve("data.json"));
            o.secrets = dir.resolve("secrets.yaml");
            o.stateDir = dir.resolve("state");
            o.audit = dir.resolve("audit.jsonl");
            o.caDir = dir.resolve("airlock-ca");
            o.upstreamCas = List.of(api.caPem);
            o.resolve = List.of("api.demo.test=127.0.0.1", "paste.demo.test=127.0.0.1");
            try (Gateway gateway = o.open(System.err)) {
                ProxyServer proxy = gateway.listen(new InetSocketAddress("127.0.0.1", 0));
                String placeholder = gateway.context().secrets().current().placeholders().get("DEMO_API_KEY");
                out.println("airlock demo — proxy on " + proxy.address().getHostString() + ":" + proxy.address().getPort() + ", shipped policy with data " + dir.resolve("data.json"));
                out.println("The agent holds only a placeholder: DEMO_API_KEY=" + placeholder);
                out.println();
                HttpClient client = client(proxy.address(), gateway.context().tls().ca().directory().certificateFile());
                String base = "https://api.demo.test:" + api.port();

                step(out, "1. allowed request, secret injected", client, base + "/v1/models", "GET", placeholder);
                out.println("   the API received:  " + api.seen.poll(5, TimeUnit.SECONDS));
                out.println("   (the real key went upstream; the echo the agent got back was redacted)");
                step(out, "2. request the policy denies (method not allowed)", client, base + "/v1/models", "DELETE", placeholder);
                step(out, "3. request the policy denies (path not allowed)", client, base + "/admin", "GET", null);
                out.println("4. connection to a host not on the allowlist");
                out.println("   " + rawConnect(proxy.address(), "evil.example:443"));
                step(out, "5. leak attempt: the placeholder sent to another allowed host", client,
                        "https://paste.demo.test:" + api.port() + "/v1/upload", "POST", placeholder);
                out.println("   the API received:  " + (api.seen.isEmpty() ? "nothing" : api.seen.poll()));
                client.close();
                gateway.close();

                out.println();
                out.println("Audit trail (" + o.audit + "):");
                out.flush();
                AirlockCommand.commandLine().setOut(out).setErr(spec.commandLine().getErr()).execute("audit", "query", o.audit.toString());
                AirlockCommand.commandLine().setOut(out).setErr(spec.commandLine().getErr()).execute("audit", "verify", o.audit.toString());
            }
        }
        out.flush();
        if (keep == null) deleteTree(dir);
        return 0;
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    private static void step(PrintWriter out, String title, HttpClient client, String url, String method, String placeholder)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (placeholder != null) b.header("Authorization", "Bearer " + placeholder);
        HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        out.println(title);
        out.println("   " + method + " " + url + "  ->  " + r.statusCode() + " " + r.body().strip());
    }

    /** A CONNECT sent by hand, so the 403 body with its reason can be shown (HTTP clients hide it). */
    private static String rawConnect(InetSocketAddress proxy, String target) throws Exception {
        try (Socket s = new Socket(proxy.getAddress(), proxy.getPort())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String status = reply.lines().findFirst().orElse("");
            return "CONNECT " + target + "  ->  " + status.replace("HTTP/1.1 ", "") + " " + reply.substring(reply.indexOf("\r\n\r\n") + 4).strip();
        }
    }

    private static HttpClient client(InetSocketAddress proxy, Path airlockCa) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(airlockCa)) {
            trust.setCertificateEntry("airlock", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().proxy(ProxySelector.of(proxy)).sslContext(ssl).connectTimeout(Duration.ofSeconds(5)).build();
    }
}
