package dev.airlock.secrets.broker;

import java.util.List;
import java.util.Objects;

/**
 * The parts of an HTTP request (any version) the broker reads and rewrites. {@code host} is
 * the host the gateway will dial (after its own checks), {@code path} the raw path without the
 * query, {@code rawQuery} the raw query without {@code ?} (null when there is none).
 */
public record OutboundRequest(
        String scheme,
        String host,
        int port,
        String method,
        String path,
        String rawQuery,
        List<HttpHeader> headers,
        RequestBody body) {

    public OutboundRequest {
        Objects.requireNonNull(scheme);
        Objects.requireNonNull(host);
        Objects.requireNonNull(method);
        Objects.requireNonNull(path);
        headers = List.copyOf(headers);
        Objects.requireNonNull(body);
    }

    /** The first header with this name (case-insensitive), or null. */
    public String header(String name) {
        for (HttpHeader h : headers) {
            if (h.name().equalsIgnoreCase(name)) {
                return h.value();
            }
        }
        return null;
    }
}
