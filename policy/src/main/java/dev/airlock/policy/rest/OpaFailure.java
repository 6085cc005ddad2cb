package dev.airlock.policy.rest;

import java.time.Duration;

/**
 * Why a call to a remote OPA produced no decision. Every case means deny (fail closed); the
 * {@link #message()} says what happened in words an operator can act on.
 */
public sealed interface OpaFailure {
    String message();

    /** Nothing answered: connection refused, reset, DNS failure, TLS failure. Retried. */
    record Unreachable(String url, String cause, int attempts) implements OpaFailure {
        @Override
        public String message() {
            return "OPA at " + url + " is unreachable: " + cause + afterAttempts(attempts)
                    + "; check that OPA is running and listening there";
        }
    }

    /** OPA did not answer within the per-attempt timeout or the overall deadline. Not retried. */
    record TimedOut(String url, Duration after, int attempts) implements OpaFailure {
        @Override
        public String message() {
            return "OPA at " + url + " did not answer within " + after.toMillis() + " ms" + afterAttempts(attempts)
                    + "; raise the timeout or check OPA's load";
        }
    }

    /** OPA answered with a status other than 200; 5xx was retried, 4xx was not. */
    record HttpStatus(String url, int status, OpaErrorBody error, int attempts) implements OpaFailure {
        @Override
        public String message() {
            String detail = error.describe();
            return "OPA at " + url + " answered HTTP " + status + (detail.isEmpty() ? "" : " (" + detail + ")")
                    + afterAttempts(attempts);
        }
    }

    /** OPA answered 200 with a body that is not an OPA response (not JSON, not an object, too large). */
    record BadResponse(String url, String why) implements OpaFailure {
        @Override
        public String message() {
            return "OPA at " + url + " sent an unusable response: " + why;
        }
    }

    /** The request could not be built (a path that cannot be expressed safely in the URL). Not sent. */
    record InvalidRequest(String why) implements OpaFailure {
        @Override
        public String message() {
            return "policy request not sent: " + why;
        }
    }

    private static String afterAttempts(int n) {
        return n > 1 ? " (after " + n + " attempts)" : "";
    }
}
