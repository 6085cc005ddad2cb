package dev.airlock.netstack.flow;

import java.util.concurrent.CompletionStage;

/**
 * Decides whether a guest connection may open, before the stack answers the SYN. This is
 * where the gateway runs the L4 policy decision and dials upstream: the SYN-ACK is sent only
 * after the stage completes with {@link FlowVerdict.Accept}, so no guest handshake completes
 * toward a destination before it is allowed (architecture invariant 2).
 *
 * <p>Called on the stack thread; must not block. The stage may complete on any thread. A stage
 * that completes exceptionally, with null, or not within the configured decision timeout is
 * treated as a refusal (RST) — fail closed. Retransmitted SYNs while the decision is pending are
 * absorbed by the stack.
 */
@FunctionalInterface
public interface FlowAcceptor {
    CompletionStage<FlowVerdict> onSyn(FlowId id);
}
