package dev.airlock.secrets.broker;

import dev.airlock.secrets.scope.ScopeMismatch;
import java.util.List;
import java.util.stream.Collectors;

/** A placeholder found where its secret may not go: the request must be blocked and audited. */
public record LeakFinding(PlaceholderHit hit, List<ScopeMismatch> reasons) {
    public LeakFinding {
        reasons = List.copyOf(reasons);
    }

    public String secret() {
        return hit.secret();
    }

    /** E.g. "OPENAI_API_KEY placeholder in header 'authorization': host 'evil.example' does not match hosts [api.openai.com]". */
    public String describe() {
        return hit.secret() + " placeholder " + hit.describe() + ": "
                + reasons.stream().map(ScopeMismatch::message).collect(Collectors.joining("; "));
    }
}
