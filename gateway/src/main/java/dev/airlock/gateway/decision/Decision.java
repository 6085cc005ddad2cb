package dev.airlock.gateway.decision;

import dev.airlock.gateway.net.Cidr;
import java.util.List;
import java.util.Set;

/**
 * A policy decision as the gateway acts on it. The policy returns an object at
 * {@code data.airlock.egress.decision}; {@link DecisionReader} turns it into this record and
 * anything it cannot read into a denial (fail closed). Field meanings: {@code docs/policy.md}.
 *
 * @param allow          whether the flow or request may proceed
 * @param reason         why, for the agent (in the 403 body) and the audit log
 * @param decisionId     unique id, shared by the audit record and the 403 body
 * @param policyRevision revision of the policy that decided ("" when unknown)
 * @param allowCidrs     special-purpose address ranges this destination may resolve to
 * @param tls            whether TLS to this destination is terminated and inspected
 * @param secrets        names of secrets that may be injected, or null for "any secret in scope"
 */
public record Decision(boolean allow, String reason, String decisionId, String policyRevision,
                       List<Cidr> allowCidrs, TlsMode tls, Set<String> secrets) {

    public enum TlsMode {
        /** Terminate TLS with a minted certificate and decide every request inside. */
        INSPECT,
        /** Relay the TLS bytes untouched after checking the SNI. */
        PASSTHROUGH
    }

    public Decision {
        allowCidrs = List.copyOf(allowCidrs);
        secrets = secrets == null ? null : Set.copyOf(secrets);
    }

    /** A denial made by the gateway itself (policy error, timeout, unreadable decision). */
    public static Decision deny(String reason, String decisionId, String policyRevision) {
        return new Decision(false, reason, decisionId, policyRevision, List.of(), TlsMode.INSPECT, Set.of());
    }
}
