package dev.airlock.policy.rest;

import dev.airlock.policy.value.Json;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.Value;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** An airlock OPA server on a loopback port, and a plain JDK HTTP client to talk to it. */
final class ServerHarness implements AutoCloseable {
    final PolicyStore store;
    final OpaServer server;
    final URI base;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).proxy(HttpClient.Builder.NO_PROXY).build();

    ServerHarness(boolean decisionIds) throws InterruptedException {
        store = PolicyStore.load(Fixtures.modules(), Fixtures.data());
        server = OpaServer.start(new InetSocketAddress("127.0.0.1", 0), new OpaApi(store, decisionIds));
        base = URI.create("http://127.0.0.1:" + server.address().getPort());
    }

    record Reply(int status, String body) {
        ObjectValue json() {
            try {
                Value v = Json.parse(body);
                if (v instanceof ObjectValue o) return o;
                throw new AssertionError("not a JSON object: " + body);
            } catch (Json.ParseException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }

    Reply send(String method, String pathAndQuery, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(pathAndQuery)).timeout(Duration.ofSeconds(5));
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body());
    }

    Reply get(String pathAndQuery) throws IOException, InterruptedException {
        return send("GET", pathAndQuery, null);
    }

    Reply post(String pathAndQuery, String body) throws IOException, InterruptedException {
        return send("POST", pathAndQuery, body);
    }

    @Override
    public void close() {
        http.close();
        server.close();
    }
}
