package dev.airlock.gateway.flow;

import dev.airlock.gateway.decision.Decision;
import dev.airlock.gateway.decision.PolicyInput;
import dev.airlock.gateway.upstream.DialFailure;
import dev.airlock.policy.value.ObjectValue;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The L4 half of every flow, shared by the proxy listener and sandbox flows:
 * decide → resolve and guard → dial → audit. Nothing is dialed before the policy allows the
 * destination (invariant 2), the dialed address is the one that passed the guard
 * (invariant 4), and the outcome is on disk in the audit log before the caller can tell the
 * client anything (invariant 5).
 */
public final class ConnectPhase {
    private final GatewayContext gateway;

    public ConnectPhase(GatewayContext gateway) {
        this.gateway = gateway;
    }

    public CompletableFuture<ConnectOutcome> run(Source source, Destination destination, EventLoop loop) {
        long started = System.nanoTime();
        ObjectValue input = PolicyInput.connect(source, destination, null);
        return gateway.decider().decide(input)
                .thenCompose(decision -> {
                    if (!decision.allow()) {
                        return CompletableFuture.<ConnectOutcome>completedFuture(
                                new ConnectOutcome.Refused(decision, 403, decision.reason()));
                    }
                    return gateway.dialer().resolveAndCheck(destination, decision.allowCidrs())
                            .thenCompose(checked -> gateway.dialer().connect(checked, loop, idle())
                                    .thenApply(ch -> (ConnectOutcome) new ConnectOutcome.Established(decision, checked, ch)))
                            .exceptionally(e -> refusal(decision, e));
                })
                .thenCompose(outcome -> audit(source, destination, input, outcome, started)
                        .handle((seq, auditError) -> auditError == null ? outcome : unrecorded(outcome, auditError)));
    }

    private static ChannelHandler idle() {
        // Placeholder pipeline head; the flow replaces it once it knows how to speak upstream.
        return new ChannelInboundHandlerAdapter();
    }

    private static ConnectOutcome refusal(Decision decision, Throwable e) {
        Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof DialFailure f) {
            Decision d = f.refusedByGuard()
                    ? Decision.deny(f.getMessage(), decision.decisionId(), decision.policyRevision())
                    : decision;
            return new ConnectOutcome.Refused(d, f.refusedByGuard() ? 403 : 502, f.getMessage());
        }
        return new ConnectOutcome.Refused(decision, 502, "upstream failure: " + cause);
    }

    private CompletableFuture<Long> audit(Source source, Destination requested, ObjectValue input, ConnectOutcome outcome,
                                          long started) {
        Destination d = outcome instanceof ConnectOutcome.Established e ? e.destination() : requested;
        return gateway.audit().append(FlowAudit.connect(source, d, outcome.decision(), started)
                .status(outcome instanceof ConnectOutcome.Refused r ? r.status() : 200)
                .allow(outcome instanceof ConnectOutcome.Established)
                .reason(outcome instanceof ConnectOutcome.Refused r ? r.reason() : outcome.decision().reason())
                .input(input)
                .build());
    }

    /** A flow the audit log could not record does not proceed (fail closed). */
    private static ConnectOutcome unrecorded(ConnectOutcome outcome, Throwable auditError) {
        if (outcome instanceof ConnectOutcome.Established e) e.upstream().close();
        Decision d = outcome.decision();
        String reason = "audit log unavailable: " + auditError.getMessage();
        return new ConnectOutcome.Refused(Decision.deny(reason, d.decisionId(), d.policyRevision()), 503, reason);
    }
}
