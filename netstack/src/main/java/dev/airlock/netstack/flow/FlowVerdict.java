package dev.airlock.netstack.flow;

import java.util.Objects;

/** The acceptor's answer to a guest SYN. */
public sealed interface FlowVerdict {
    /** Complete the handshake and hand the connection to {@code handler}. */
    record Accept(FlowHandler handler) implements FlowVerdict {
        public Accept {
            Objects.requireNonNull(handler, "handler");
        }
    }

    /** Refuse with a TCP RST: the guest's connect fails at once with "connection refused". */
    record Reset() implements FlowVerdict {}

    /**
     * Refuse with ICMP destination-unreachable, administratively prohibited (code 13): the
     * guest's connect fails at once with "no route to host".
     */
    record Prohibit() implements FlowVerdict {}

    static FlowVerdict accept(FlowHandler handler) {
        return new Accept(handler);
    }

    static FlowVerdict reset() {
        return new Reset();
    }

    static FlowVerdict prohibit() {
        return new Prohibit();
    }
}
