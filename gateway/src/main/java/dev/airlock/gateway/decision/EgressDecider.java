package dev.airlock.gateway.decision;

import dev.airlock.policy.value.ObjectValue;
import java.util.concurrent.CompletableFuture;

/**
 * Asks the policy for a decision on one input document. Implementations never fail the
 * future: any error becomes a denial whose reason says what went wrong (invariant 1).
 */
public interface EgressDecider {
    CompletableFuture<Decision> decide(ObjectValue input);
}
