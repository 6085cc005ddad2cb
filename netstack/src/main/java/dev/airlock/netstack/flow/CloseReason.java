package dev.airlock.netstack.flow;

/** Why a flow ended. */
public enum CloseReason {
    /** Both directions finished with FINs. */
    NORMAL,
    /** The guest sent a valid RST. */
    RESET_BY_PEER,
    /** Our side called {@link Flow#abort()} (an RST was sent). */
    ABORTED,
    /** Retransmissions, keepalive probes or the handshake ran out. */
    TIMED_OUT,
    /** The connection never opened: the guest gave up before the handshake completed. */
    NEVER_OPENED,
    /** The stack was closed. */
    STACK_CLOSED
}
