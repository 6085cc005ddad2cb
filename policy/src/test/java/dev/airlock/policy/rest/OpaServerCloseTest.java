package dev.airlock.policy.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.airlock.policy.EvalOptions;
import dev.airlock.policy.builtins.BuiltinRegistry;
import dev.airlock.policy.topdown.Limits;
import dev.airlock.policy.value.ObjectValue;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Closing the server while a request is being evaluated: awaitClose() and every close() return
 * only once the server is closed, whoever started closing it. {@code policy serve} relies on
 * this: it waits in awaitClose() and closes again on its way out, while a shutdown hook (or a
 * test) closes the server from another thread.
 */
class OpaServerCloseTest {
    @Test
    void closingWaitersReturnOnlyOnceTheRequestInFlightIsAnswered() throws Exception {
        // The policy asks an upstream that holds its answer until released: a request in flight.
        CountDownLatch asked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        HttpServer upstream = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        upstream.createContext("/", exchange -> {
            asked.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        upstream.start();
        EvalOptions network = new EvalOptions(false, true, ObjectValue.EMPTY, null, Limits.DEFAULT);
        PolicyStore store = PolicyStore.load(Map.of("slow.rego", """
                package slow

                status := http.send({"method": "GET", "url": input.url}).status_code
                """), ObjectValue.EMPTY, false, BuiltinRegistry.standard(), network);
        OpaServer server = OpaServer.start(new InetSocketAddress("127.0.0.1", 0), new OpaApi(store, false));
        int port = server.address().getPort();
        try (HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).build()) {
            String body = "{\"input\": {\"url\": \"http://127.0.0.1:" + upstream.getAddress().getPort() + "/\"}}";
            CompletableFuture<HttpResponse<String>> answer = http.sendAsync(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/data/slow/status"))
                            .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(asked.await(10, TimeUnit.SECONDS), "the evaluation reached the upstream");

            CompletableFuture<Void> awaited = CompletableFuture.runAsync(() -> {
                try {
                    server.awaitClose();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }, Thread::startVirtualThread);
            CompletableFuture<Void> firstClose = CompletableFuture.runAsync(server::close, Thread::startVirtualThread);
            waitUntilRefused(port);
            CompletableFuture<Void> secondClose = CompletableFuture.runAsync(server::close, Thread::startVirtualThread);
            // The listener is closed, the evaluation is not done: nobody may consider the server closed yet.
            Thread.sleep(200);
            assertTrue(!awaited.isDone() && !firstClose.isDone() && !secondClose.isDone(),
                    "awaitClose " + awaited.isDone() + ", first close " + firstClose.isDone() + ", second close "
                            + secondClose.isDone());

            release.countDown();
            CompletableFuture.allOf(awaited, firstClose, secondClose).get(10, TimeUnit.SECONDS);
            HttpResponse<String> r = answer.get(10, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode(), r.body());
            assertEquals("{\"result\":204}", r.body());
            server.close(); // and once more after the fact: nothing to do, no error
        } finally {
            release.countDown();
            upstream.stop(0);
            server.close();
        }
    }

    private static void waitUntilRefused(int port) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                Thread.sleep(10);
            } catch (IOException refused) {
                return;
            }
        }
        throw new AssertionError("the listener still accepts 10 s after close()");
    }
}
