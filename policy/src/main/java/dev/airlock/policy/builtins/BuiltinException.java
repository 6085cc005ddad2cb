package dev.airlock.policy.builtins;

/**
 * An error raised by a builtin's implementation. The evaluator prefixes the builtin's name and
 * the call's location. {@link Kind#TYPE} errors ({@code eval_type_error}) always stop
 * evaluation; {@link Kind#BUILTIN} errors ({@code eval_builtin_error}) make the call undefined
 * unless strict builtin errors are on, as in OPA.
 */
public final class BuiltinException extends Exception {
    public enum Kind { BUILTIN, TYPE }

    private final Kind kind;

    private BuiltinException(Kind kind, String message) {
        super(message, null, false, false);
        this.kind = kind;
    }

    /** An eval_builtin_error with the given message (without the builtin-name prefix). */
    public static BuiltinException error(String message) {
        return new BuiltinException(Kind.BUILTIN, message);
    }

    /** An eval_type_error, e.g. {@code operand 1 must be string but got number}. */
    public static BuiltinException type(String message) {
        return new BuiltinException(Kind.TYPE, message);
    }

    public Kind kind() {
        return kind;
    }
}
