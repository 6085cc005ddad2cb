package dev.airlock.netstack.tcp;

/**
 * Connection states (RFC 9293 section 3.3.2) of the passive side, plus {@link #DECIDING}: a SYN
 * has arrived and the acceptor has not answered yet, so nothing has been sent to the guest.
 * LISTEN and SYN-SENT do not exist here: the stack listens everywhere and never connects out.
 */
public enum TcpState {
    DECIDING,
    SYN_RECEIVED,
    ESTABLISHED,
    FIN_WAIT_1,
    FIN_WAIT_2,
    CLOSE_WAIT,
    CLOSING,
    LAST_ACK,
    TIME_WAIT,
    CLOSED;

    /** States in which our side may still send data. */
    boolean canSendData() {
        return this == ESTABLISHED || this == CLOSE_WAIT || this == FIN_WAIT_1 || this == LAST_ACK || this == CLOSING;
    }

    /** States in which guest data is accepted. */
    boolean canReceiveData() {
        return this == ESTABLISHED || this == FIN_WAIT_1 || this == FIN_WAIT_2;
    }

    /** States after the handshake (RFC 9293 "synchronized"). */
    boolean synchronizedState() {
        return this != DECIDING && this != SYN_RECEIVED && this != CLOSED;
    }
}
