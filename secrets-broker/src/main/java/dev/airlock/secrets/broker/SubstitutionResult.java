package dev.airlock.secrets.broker;

import java.util.List;

/** The broker's verdict on a request: rewritten with real values, or blocked as a leak. */
public sealed interface SubstitutionResult {
    /** The redacted request for policy input and audit. */
    RequestView view();

    /** Names of the secrets whose placeholders were present, sorted. */
    List<String> secrets();

    /**
     * Every placeholder was in scope and allowed: {@code request} carries the real values and
     * goes upstream. {@code injected} lists the secrets written into it (sorted); when it is
     * empty {@code request} is the original.
     */
    record Rewritten(OutboundRequest request, List<String> injected, List<String> secrets, RequestView view) implements SubstitutionResult {
        public Rewritten {
            injected = List.copyOf(injected);
            secrets = List.copyOf(secrets);
        }
    }

    /**
     * At least one placeholder was out of scope: nothing was replaced and the request must not
     * be sent. {@code leaks} names each offending occurrence and why.
     */
    record Blocked(List<LeakFinding> leaks, List<String> secrets, RequestView view) implements SubstitutionResult {
        public Blocked {
            leaks = List.copyOf(leaks);
            secrets = List.copyOf(secrets);
        }
    }
}
