package dev.airlock.secrets.broker;

import java.util.List;

/**
 * What the broker saw in a request before any policy decision: the names of the secrets whose
 * placeholders are present (the policy input's {@code secrets}), every occurrence, the
 * redacted {@link RequestView}, and whether a streamed body still has to be scanned.
 */
public record Inspection(List<String> secrets, List<PlaceholderHit> hits, RequestView view, boolean bodyScanRequired) {
    public Inspection {
        secrets = List.copyOf(secrets);
        hits = List.copyOf(hits);
    }
}
