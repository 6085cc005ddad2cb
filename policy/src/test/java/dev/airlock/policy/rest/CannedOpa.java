package dev.airlock.policy.rest;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for a real OPA that answers each path with a fixed status and body, written as
 * OPA's REST API documentation shows them, and records what it was sent.
 */
final class CannedOpa implements AutoCloseable {
    record Canned(int status, String body, Map<String, String> headers) {}

    record Seen(String method, String uri, String contentType, String body) {}

    private final HttpServer server;
    private final Map<String, Canned> answers = new ConcurrentHashMap<>();
    final List<Seen> seen = new CopyOnWriteArrayList<>();

    CannedOpa() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            seen.add(new Seen(exchange.getRequestMethod(), exchange.getRequestURI().toString(),
                    exchange.getRequestHeaders().getFirst("Content-Type"), body));
            Canned c = answers.getOrDefault(exchange.getRequestURI().getPath(), new Canned(404, "404 page not found\n", Map.of()));
            byte[] bytes = c.body().getBytes(StandardCharsets.UTF_8);
            c.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            if (!c.headers().containsKey("Content-Type")) exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(c.status(), bytes.length == 0 ? -1 : bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
    }

    CannedOpa answer(String path, int status, String body) {
        answers.put(path, new Canned(status, body, Map.of()));
        return this;
    }

    CannedOpa answer(String path, int status, String body, Map<String, String> headers) {
        answers.put(path, new Canned(status, body, headers));
        return this;
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
