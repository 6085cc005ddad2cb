package dev.airlock.policy.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.airlock.policy.value.BoolValue;
import dev.airlock.policy.value.Json;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.StringValue;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server driven by curl (another HTTP implementation than ours) and by raw bytes on a socket. */
class OpaServerCurlTest {
    private ServerHarness h;

    @BeforeEach
    void start() throws Exception {
        h = new ServerHarness(true);
    }

    @AfterEach
    void stop() {
        h.close();
    }

    /** Runs curl with -s and -w so the last line of output is the status code. */
    private List<String> curl(String... args) throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/curl")), "curl is not installed");
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/curl", "-sS", "--max-time", "5", "--noproxy", "*",
                "-w", "\n%{http_code}"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        int cut = out.lastIndexOf('\n');
        return List.of(out.substring(0, cut), out.substring(cut + 1));
    }

    @Test
    void curlPutsAPolicyFileAndPostsADecision(@TempDir Path dir) throws Exception {
        Path policy = dir.resolve("lockdown.rego");
        Files.writeString(policy, Fixtures.EGRESS_LOCKDOWN);
        var put = curl("-X", "PUT", "-H", "Content-Type: text/plain", "--data-binary", "@" + policy,
                h.base + "/v1/policies/" + Fixtures.EGRESS_ID);
        assertEquals("200", put.get(1), put.get(0));
        assertEquals("{}", put.get(0));

        var post = curl("-H", "Content-Type: application/json",
                "-d", "{\"input\": {\"destination\": {\"host\": \"github.com\"}}}",
                h.base + "/v1/data/airlock/egress/decision?pretty=true");
        assertEquals("200", post.get(1));
        ObjectValue body = (ObjectValue) Json.parse(post.get(0));
        ObjectValue result = (ObjectValue) body.get("result");
        assertEquals(BoolValue.FALSE, result.get("allow"));
        assertEquals(StringValue.of("lockdown"), result.get("reason"));
        assertTrue(post.get(0).startsWith("{\n  \""), "pretty output: " + post.get(0));
    }

    @Test
    void curlGetsHealthAndGzippedData() throws Exception {
        var health = curl(h.base + "/health");
        assertEquals(List.of("{}", "200"), health);
        // A large enough document is gzip-compressed when asked; --compressed makes curl inflate it.
        StringBuilder big = new StringBuilder("package big\n\nhosts := [");
        for (int i = 0; i < 200; i++) big.append(i == 0 ? "" : ",").append("\"host-").append(i).append(".example.com\"");
        h.store.put("big.rego", big.append("]\n").toString());
        var gz = curl("--compressed", "-D", "-", h.base + "/v1/data/big/hosts");
        assertEquals("200", gz.get(1));
        assertTrue(gz.get(0).toLowerCase().contains("content-encoding: gzip"), gz.get(0));
        assertTrue(gz.get(0).contains("\"host-199.example.com\""));
    }

    @Test
    void curlSendsARawBrokenPercentEscape() throws Exception {
        var r = curl("--path-as-is", h.base + "/v1/data/a%zz");
        assertEquals("400", r.get(1), r.get(0));
        assertTrue(r.get(0).contains("malformed percent-escape"), r.get(0));
    }

    @Test
    void garbageOnTheSocketGetsA400AndTheServerStaysUp() throws Exception {
        try (Socket s = new Socket("127.0.0.1", h.server.address().getPort())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write("\u0001\u0002 NOT HTTP AT ALL\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            String reply = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            assertTrue(reply.startsWith("HTTP/1.1 400"), reply);
        }
        assertEquals(200, h.get("/health").status());
    }
    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        // The first request is slower (it compiles its query); the second must still come second.
        try (Socket s = new Socket("127.0.0.1", h.server.address().getPort())) {
            s.setSoTimeout(5000);
            String slow = "POST /v1/query HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n"
                    + "{\"query\": \"first := data.allowed_hosts\"}";
            String fast = "GET /v1/data/airlock/egress/first_host HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
            s.getOutputStream().write((slow + fast).getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            String reply = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            int first = reply.indexOf("\"first\"");
            int second = reply.indexOf("\"result\":\"api.openai.com\"");
            assertTrue(first > 0 && second > first, reply);
        }
    }
}
