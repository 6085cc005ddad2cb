package dev.airlock.vmm.exec;

/** The guest's side of the exec channel sent something the protocol does not allow. */
public final class ExecProtocolException extends RuntimeException {
    public ExecProtocolException(String message) {
        super(message);
    }
}
