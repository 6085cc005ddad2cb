package dev.airlock.policy.ast;

import java.util.List;

/** Carries one or more {@link RegoError}s across an API boundary; the errors are the payload. */
public final class RegoException extends RuntimeException {
    private final List<RegoError> errors;

    public RegoException(List<RegoError> errors) {
        super(summary(errors), null, false, false);
        this.errors = List.copyOf(errors);
    }

    public RegoException(RegoError error) {
        this(List.of(error));
    }

    public RegoException(String code, String message, Location loc) {
        this(new RegoError(code, message, loc));
    }

    public List<RegoError> errors() {
        return errors;
    }

    /** The first error's code. */
    public String code() {
        return errors.getFirst().code();
    }

    private static String summary(List<RegoError> errors) {
        if (errors.isEmpty()) return "no errors";
        if (errors.size() == 1) return errors.getFirst().toString();
        StringBuilder sb = new StringBuilder(errors.size() + " errors occurred:");
        for (RegoError e : errors) sb.append('\n').append(e);
        return sb.toString();
    }
}
