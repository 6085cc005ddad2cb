package dev.airlock.gateway.audit;

import java.io.IOException;

/**
 * The audit log cannot do what was asked: it refused to open a log whose state it cannot
 * vouch for, or a record could not be made durable. Messages say what to do next. When an
 * {@link AuditLog#append} future fails with this, the gateway must deny the request.
 */
public final class AuditLogException extends IOException {
    public AuditLogException(String message) {
        super(message);
    }

    public AuditLogException(String message, Throwable cause) {
        super(message, cause);
    }
}
