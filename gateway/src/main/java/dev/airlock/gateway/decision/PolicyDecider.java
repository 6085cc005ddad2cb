package dev.airlock.gateway.decision;

import dev.airlock.gateway.flow.DecisionIds;
import dev.airlock.policy.PolicyEngine;
import dev.airlock.policy.value.ObjectValue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Asks a {@link PolicyEngine} for the decision at a path and reads the answer. An engine that
 * answers in microseconds (the embedded one) is asked inline on the flow's thread; one that
 * blocks (OPA over REST) is asked on {@code executor}. Errors become denials (invariant 1).
 */
public final class PolicyDecider implements EgressDecider {
    private final PolicyEngine engine;
    private final String path;
    private final Executor executor;

    /** @param executor where blocking engines run, or null to evaluate inline */
    public PolicyDecider(PolicyEngine engine, String path, Executor executor) {
        this.engine = engine;
        this.path = path;
        this.executor = executor;
    }

    @Override
    public CompletableFuture<Decision> decide(ObjectValue input) {
        if (executor == null) return CompletableFuture.completedFuture(evaluate(input));
        return CompletableFuture.supplyAsync(() -> evaluate(input), executor)
                .exceptionally(e -> Decision.deny("policy error: " + e.getMessage(), DecisionIds.next(), ""));
    }

    private Decision evaluate(ObjectValue input) {
        String id = DecisionIds.next();
        try {
            var r = engine.evaluate(path, input);
            // OPA numbers its decisions when decision logging is on; keep its id so both logs agree.
            return DecisionReader.read(r.result(), r.decisionId() != null ? r.decisionId() : id, r.revision());
        } catch (RuntimeException e) {
            String revision;
            try {
                revision = engine.revision();
            } catch (RuntimeException ignored) {
                revision = "";
            }
            return Decision.deny("policy error: " + e.getMessage(), id, revision);
        }
    }
}
