package dev.airlock.gateway.audit;

import dev.airlock.policy.value.ObjectValue;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * One policy decision, or the outcome of an allowed request, as the gateway hands it to
 * {@link AuditLog#append}. The log adds {@code seq} and {@code prev}; everything else is
 * written exactly as given, in a fixed field order (see {@code docs/audit.md}).
 *
 * <p>An allowed request that goes upstream gets two records with the same decision id: the
 * {@link RecordKind#DECISION} when it is decided (before it is sent, so its disk flush overlaps
 * the upstream round trip) and an {@link RecordKind#OUTCOME} when its response has ended, with
 * the status, the bytes each way and the duration. Everything answered by the gateway itself
 * (denials, refusals) is described completely by its decision record.
 *
 * <p>The record is serialized on the calling thread before {@code append} returns.
 *
 * @param time when the decision was made, or (outcome) when the exchange ended; written in
 *     UTC with microseconds
 * @param kind {@link RecordKind#DECISION} or {@link RecordKind#OUTCOME}
 * @param decisionId the id the policy engine gave the decision, shared with error pages and
 *     the agent-facing deny message
 * @param agent the agent (or VM) the flow belongs to
 * @param phase which decision this is
 * @param destination where the flow or request was going
 * @param method HTTP method, or {@code null} outside the request phase
 * @param path HTTP path (with query), or {@code null} outside the request phase
 * @param status HTTP status returned to the client, or {@link #NO_STATUS}
 * @param bytesUp bytes sent from the client toward the destination
 * @param bytesDown bytes sent from the destination back to the client
 * @param durationMs how long the flow or request took, in milliseconds
 * @param allow the decision
 * @param reason why — the policy's reason, or the gateway's reason for failing closed
 * @param policyRevision the revision of the policy bundle that decided
 * @param secretsInjected names (never values) of the secrets substituted into the request
 * @param leak names of placeholders that were blocked because they were bound for a host
 *     outside the secret's scope; empty when none (then omitted from the line)
 * @param input the policy input the decision was made on (already redacted: secrets appear as
 *     placeholder names), or {@code null} when the gateway decided without the policy
 */
public record AuditRecord(
        Instant time,
        RecordKind kind,
        String decisionId,
        String agent,
        Phase phase,
        Destination destination,
        String method,
        String path,
        int status,
        long bytesUp,
        long bytesDown,
        long durationMs,
        boolean allow,
        String reason,
        String policyRevision,
        List<String> secretsInjected,
        List<String> leak,
        ObjectValue input) {

    /** {@link #status()} when no HTTP status applies (connect and dns phases, or no response). */
    public static final int NO_STATUS = 0;

    public AuditRecord {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(kind, "kind");
        if (kind != RecordKind.DECISION && kind != RecordKind.OUTCOME) {
            throw new IllegalArgumentException("an audit record is a decision or an outcome, not " + kind);
        }
        Objects.requireNonNull(decisionId, "decisionId");
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(destination, "destination");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(policyRevision, "policyRevision");
        if (status < 0 || status > 999) {
            throw new IllegalArgumentException("status must be 0 (none) or an HTTP status: " + status);
        }
        if (bytesUp < 0 || bytesDown < 0 || durationMs < 0) {
            throw new IllegalArgumentException("byte counts and duration must not be negative");
        }
        secretsInjected = secretsInjected == null ? List.of() : List.copyOf(secretsInjected);
        leak = leak == null ? List.of() : List.copyOf(leak);
    }

    /** A builder with the fields every decision shares; {@code time} defaults to now. */
    public static Builder builder() {
        return new Builder();
    }

    /** Fills an {@link AuditRecord} field by field; the gateway keeps one per request. */
    public static final class Builder {
        private Instant time;
        private RecordKind kind = RecordKind.DECISION;
        private String decisionId;
        private String agent;
        private Phase phase;
        private Destination destination;
        private String method;
        private String path;
        private int status = NO_STATUS;
        private long bytesUp;
        private long bytesDown;
        private long durationMs;
        private boolean allow;
        private String reason;
        private String policyRevision;
        private List<String> secretsInjected = List.of();
        private List<String> leak = List.of();
        private ObjectValue input;

        private Builder() {}

        public Builder time(Instant v) { time = v; return this; }
        /** Makes this the outcome record of an allowed exchange (the default is a decision). */
        public Builder outcome() { kind = RecordKind.OUTCOME; return this; }
        public Builder decisionId(String v) { decisionId = v; return this; }
        public Builder agent(String v) { agent = v; return this; }
        public Builder phase(Phase v) { phase = v; return this; }
        public Builder destination(Destination v) { destination = v; return this; }
        public Builder destination(String host, String ip, int port) { destination = new Destination(host, ip, port); return this; }
        public Builder method(String v) { method = v; return this; }
        public Builder path(String v) { path = v; return this; }
        public Builder status(int v) { status = v; return this; }
        public Builder bytesUp(long v) { bytesUp = v; return this; }
        public Builder bytesDown(long v) { bytesDown = v; return this; }
        public Builder durationMs(long v) { durationMs = v; return this; }
        public Builder allow(boolean v) { allow = v; return this; }
        public Builder reason(String v) { reason = v; return this; }
        public Builder policyRevision(String v) { policyRevision = v; return this; }
        public Builder secretsInjected(List<String> v) { secretsInjected = v; return this; }
        public Builder leak(List<String> v) { leak = v; return this; }
        public Builder input(ObjectValue v) { input = v; return this; }

        /** Builds the record; throws {@link NullPointerException} naming a missing required field. */
        public AuditRecord build() {
            return new AuditRecord(time == null ? Instant.now() : time, kind, decisionId, agent, phase, destination,
                    method, path, status, bytesUp, bytesDown, durationMs, allow, reason, policyRevision,
                    secretsInjected, leak, input);
        }
    }
}
