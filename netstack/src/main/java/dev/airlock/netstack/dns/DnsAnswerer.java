package dev.airlock.netstack.dns;

import java.net.Inet4Address;
import java.util.concurrent.CompletionStage;

/**
 * Produces the answer to one well-formed query (opcode QUERY, class IN). The gateway
 * implements it: a policy decision, then resolution for allowed names. Called on the stack
 * thread, must not block; the stage may complete on any thread. A stage that fails or takes
 * longer than {@link DnsServer#ANSWER_TIMEOUT_MILLIS} is answered with SERVFAIL.
 */
@FunctionalInterface
public interface DnsAnswerer {
    CompletionStage<DnsAnswer> answer(String name, int type, Inet4Address guest);
}
