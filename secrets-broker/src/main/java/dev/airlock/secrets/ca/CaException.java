package dev.airlock.secrets.ca;

/**
 * The local CA could not be created, read or used. The message is written for the operator:
 * it names the file involved and what to do about it.
 */
public final class CaException extends RuntimeException {
    public CaException(String message) {
        super(message);
    }

    public CaException(String message, Throwable cause) {
        super(message, cause);
    }
}
