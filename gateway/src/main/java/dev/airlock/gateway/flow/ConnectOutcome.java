package dev.airlock.gateway.flow;

import dev.airlock.gateway.decision.Decision;
import io.netty.channel.Channel;

/** How the connect phase of a flow ended. Both kinds are already audited when this is seen. */
public sealed interface ConnectOutcome {
    Decision decision();

    /**
     * The flow may proceed: {@code upstream} is connected (autoRead off) to
     * {@code destination.address()}, the address that passed the guard.
     */
    record Established(Decision decision, Destination destination, Channel upstream) implements ConnectOutcome {}

    /**
     * The flow must not proceed. {@code status} is the HTTP status a proxy client gets: 403
     * for policy or guard denials, 502 when the allowed destination could not be reached.
     */
    record Refused(Decision decision, int status, String reason) implements ConnectOutcome {}
}
