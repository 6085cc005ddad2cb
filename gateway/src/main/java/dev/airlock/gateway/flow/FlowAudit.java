package dev.airlock.gateway.flow;

import dev.airlock.gateway.audit.AuditRecord;
import dev.airlock.gateway.audit.Phase;
import dev.airlock.gateway.decision.Decision;
import dev.airlock.gateway.net.HostLiteral;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * The connect-phase audit records, all built here: the connect decision itself
 * ({@link ConnectPhase}), the gateway's own refusals of a flow (a target that names no
 * destination, an SNI mismatch, a failed TLS handshake) and a relayed flow's outcome.
 */
public final class FlowAudit {
    private FlowAudit() {}

    /** A connect-phase record with the fields every one of them shares. */
    static AuditRecord.Builder connect(Source source, Destination destination, Decision decision, long startedNanos) {
        return AuditRecord.builder()
                .time(Instant.now())
                .decisionId(decision.decisionId())
                .agent(source.agent())
                .phase(Phase.CONNECT)
                .destination(destination.host(), destination.address() == null ? null : HostLiteral.format(destination.address()),
                        destination.port())
                .durationMs((System.nanoTime() - startedNanos) / 1_000_000)
                .policyRevision(decision.policyRevision());
    }

    /** Records that the gateway ended a flow after its connect phase, for the given reason. */
    public static CompletableFuture<Long> flowDenied(Flow flow, String reason, long startedNanos) {
        return flow.gateway().audit().append(connect(flow.source(), flow.destination(), flow.connectDecision(), startedNanos)
                .allow(false)
                .reason(reason)
                .build());
    }

    /**
     * The outcome of a relayed flow (passthrough TLS, or TCP the policy let through without
     * inspection): the bytes each way and how long it lasted. Written when both sides have
     * closed and not waited for; the connect decision was recorded before the flow began.
     */
    public static CompletableFuture<Long> relayEnded(Flow flow, long bytesUp, long bytesDown, long startedNanos) {
        return flow.gateway().audit().append(connect(flow.source(), flow.destination(), flow.connectDecision(), startedNanos)
                .outcome()
                .bytesUp(bytesUp)
                .bytesDown(bytesDown)
                .allow(true)
                .reason("relayed; both sides closed")
                .build());
    }

    /** Records a proxy target refused before the policy could be asked (it names no valid destination). */
    public static CompletableFuture<Long> rejectedTarget(GatewayContext gateway, Source source, String target, String reason,
                                                         String decisionId) {
        return gateway.audit().append(AuditRecord.builder()
                .time(Instant.now())
                .decisionId(decisionId)
                .agent(source.agent())
                .phase(Phase.CONNECT)
                .destination(target, null, 0)
                .status(403)
                .allow(false)
                .reason(reason)
                .policyRevision("")
                .build());
    }
}
