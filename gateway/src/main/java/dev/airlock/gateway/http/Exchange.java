package dev.airlock.gateway.http;

import dev.airlock.gateway.decision.Decision;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.secrets.broker.BodyPlaceholderScanner;
import dev.airlock.secrets.redact.SecretRedactor;
import dev.airlock.secrets.store.SecretsSnapshot;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One HTTP request and its response inside a flow. Holds what the audit record needs and
 * routes upstream events back to the {@link ExchangeHandler} that owns it.
 */
public final class Exchange {
    final ExchangeHandler owner;
    final HttpRequest request;
    final String path;
    final long startedNanos = System.nanoTime();
    Decision decision;
    /** What the policy decided on; null for requests refused before the policy saw them. */
    ObjectValue input;
    /**
     * Completes when the allow decision's record is on disk: the response waits for it, the
     * request does not (its flush overlaps the upstream round trip). Null until allowed.
     */
    CompletableFuture<Long> decisionRecorded;
    /** Set once the outcome record is appended: an exchange has at most one. */
    boolean outcomeRecorded;
    Channel upstream;
    List<String> secretsInjected = List.of();
    List<String> leaks = List.of();
    /** The secrets generation this exchange uses from start to end; null when airlock has no secrets. */
    SecretsSnapshot secrets;
    /** The request body read before the decision (up to the broker's cap); null when there is none. */
    CompositeByteBuf body;
    HttpHeaders trailers;
    /** Set when the body outgrew the cap: the rest streams through {@link #bodyScanner}. */
    BodyPlaceholderScanner bodyScanner;
    SecretRedactor redactor;
    long bytesUp;
    long bytesDown;
    int status;
    boolean requestComplete;
    /** An HTTP/1.1 request without a body, taken as complete with its head: its decoder end marker is still to come. */
    boolean endMarkerExpected;
    /** The upstream closed while the response was held for its decision record. */
    boolean upstreamClosedWhileHeld;
    boolean responseStarted;

    Exchange(ExchangeHandler owner, HttpRequest request, String path) {
        this.owner = owner;
        this.request = request;
        this.path = path;
    }

    void onResponse(HttpObject o) {
        owner.onResponse(this, o);
    }

    void onUpstreamReadComplete() {
        owner.onUpstreamReadComplete(this);
    }

    void onUpstreamWritabilityChanged() {
        owner.onUpstreamWritabilityChanged(this);
    }

    void onUpstreamClosed() {
        owner.onUpstreamClosed(this);
    }

    void onUpstreamError(Throwable cause) {
        owner.onUpstreamError(this, cause);
    }

    long elapsedMillis() {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }
}
