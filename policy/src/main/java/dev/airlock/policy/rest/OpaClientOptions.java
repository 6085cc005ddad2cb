package dev.airlock.policy.rest;

import java.net.URI;
import java.time.Duration;
import java.util.Locale;

/**
 * How {@link OpaRestEngine} talks to a remote OPA.
 *
 * @param url              OPA's base URL, e.g. {@code http://127.0.0.1:8181}; requests go to this
 *                         scheme, host and port only, below its path
 * @param timeout          time one attempt may take, connect to last body byte
 * @param maxAttempts      attempts for retryable failures (connection failures, HTTP 5xx); 1 = no retry
 * @param backoff          pause before the second attempt; doubles for each further one
 * @param deadline         time all attempts together may take; no attempt starts after it
 * @param provenance       ask OPA for provenance ({@code ?provenance=true}) so decisions carry OPA's
 *                         bundle revision
 * @param maxResponseBytes larger responses are refused (a decision is small; this bounds memory)
 */
public record OpaClientOptions(URI url, Duration timeout, int maxAttempts, Duration backoff, Duration deadline,
        boolean provenance, int maxResponseBytes) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(500);
    public static final int DEFAULT_MAX_ATTEMPTS = 3;
    public static final Duration DEFAULT_BACKOFF = Duration.ofMillis(20);
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(1);
    public static final int DEFAULT_MAX_RESPONSE_BYTES = 4 << 20;

    public OpaClientOptions {
        if (url == null) throw new IllegalArgumentException("OPA URL is required");
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("OPA URL must start with http:// or https://, not " + url);
        }
        if (url.getHost() == null || url.getHost().isEmpty()) {
            throw new IllegalArgumentException("OPA URL has no host: " + url);
        }
        if (url.getRawQuery() != null || url.getRawFragment() != null || url.getRawUserInfo() != null) {
            throw new IllegalArgumentException("OPA URL must not carry a query, fragment or user info: " + url);
        }
        positive(timeout, "timeout");
        positive(deadline, "deadline");
        if (backoff == null || backoff.isNegative()) throw new IllegalArgumentException("backoff must be zero or more");
        if (maxAttempts < 1 || maxAttempts > 10) throw new IllegalArgumentException("maxAttempts must be 1..10, not " + maxAttempts);
        if (maxResponseBytes < 1024) throw new IllegalArgumentException("maxResponseBytes must be at least 1024");
    }

    private static void positive(Duration d, String name) {
        if (d == null || d.isZero() || d.isNegative()) throw new IllegalArgumentException(name + " must be positive");
    }

    /** Defaults for a local OPA sidecar: 500 ms per attempt, 3 attempts, 1 s overall. */
    public static OpaClientOptions of(URI url) {
        return new OpaClientOptions(url, DEFAULT_TIMEOUT, DEFAULT_MAX_ATTEMPTS, DEFAULT_BACKOFF, DEFAULT_DEADLINE, true,
                DEFAULT_MAX_RESPONSE_BYTES);
    }

    public OpaClientOptions withTimeout(Duration t) {
        return new OpaClientOptions(url, t, maxAttempts, backoff, deadline, provenance, maxResponseBytes);
    }

    public OpaClientOptions withRetries(int attempts, Duration pause) {
        return new OpaClientOptions(url, timeout, attempts, pause, deadline, provenance, maxResponseBytes);
    }

    public OpaClientOptions withDeadline(Duration d) {
        return new OpaClientOptions(url, timeout, maxAttempts, backoff, d, provenance, maxResponseBytes);
    }

    public OpaClientOptions withProvenance(boolean p) {
        return new OpaClientOptions(url, timeout, maxAttempts, backoff, deadline, p, maxResponseBytes);
    }

    public OpaClientOptions withMaxResponseBytes(int max) {
        return new OpaClientOptions(url, timeout, maxAttempts, backoff, deadline, provenance, max);
    }
}
