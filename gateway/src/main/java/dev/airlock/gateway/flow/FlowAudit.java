package dev.airlock.gateway.flow;

import dev.airlock.gateway.audit.AuditRecord;
import dev.airlock.gateway.audit.Phase;
import dev.airlock.gateway.decision.Decision;
import dev.airlock.gateway.net.HostLiteral;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/** Audit records for decisions the gateway takes on an established flow (SNI checks, TLS failures). */
public final class FlowAudit {
    private FlowAudit() {}

    /** Records that the gateway ended a flow after its connect phase, for the given reason. */
    public static CompletableFuture<Long> flowDenied(Flow flow, String reason, long startedNanos) {
        Decision d = flow.connectDecision();
        Destination dst = flow.destination();
        return flow.gateway().audit().append(AuditRecord.builder()
                .time(Instant.now())
                .decisionId(d.decisionId())
                .agent(flow.source().agent())
                .phase(Phase.CONNECT)
                .destination(dst.host(), HostLiteral.format(dst.address()), dst.port())
                .durationMs((System.nanoTime() - startedNanos) / 1_000_000)
                .allow(false)
                .reason(reason)
                .policyRevision(d.policyRevision())
                .build());
    }

    /**
     * The outcome of a relayed flow (passthrough TLS, or TCP the policy let through without
     * inspection): the bytes each way and how long it lasted. Written when both sides have
     * closed and not waited for; the connect decision was recorded before the flow began.
     */
    public static CompletableFuture<Long> relayEnded(Flow flow, long bytesUp, long bytesDown, long startedNanos) {
        Decision d = flow.connectDecision();
        Destination dst = flow.destination();
        return flow.gateway().audit().append(AuditRecord.builder()
                .outcome()
                .time(Instant.now())
                .decisionId(d.decisionId())
                .agent(flow.source().agent())
                .phase(Phase.CONNECT)
                .destination(dst.host(), HostLiteral.format(dst.address()), dst.port())
                .bytesUp(bytesUp)
                .bytesDown(bytesDown)
                .durationMs((System.nanoTime() - startedNanos) / 1_000_000)
                .allow(true)
                .reason("relayed; both sides closed")
                .policyRevision(d.policyRevision())
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
