package dev.airlock.policy.ast;

/**
 * One policy error, as OPA reports it: a code such as {@code rego_parse_error}, a message a
 * user can act on, and the location it refers to (may be {@link Location#NONE} for errors
 * raised outside any policy text).
 */
public record RegoError(String code, String message, Location location) {
    public static final String PARSE = "rego_parse_error";
    public static final String COMPILE = "rego_compile_error";
    public static final String TYPE = "rego_type_error";
    public static final String UNSAFE_VAR = "rego_unsafe_var_error";
    public static final String RECURSION = "rego_recursion_error";
    public static final String EVAL_CONFLICT = "eval_conflict_error";
    public static final String EVAL_TYPE = "eval_type_error";
    public static final String EVAL_BUILTIN = "eval_builtin_error";
    /** Evaluation stopped because a budget (steps, time, depth) ran out. */
    public static final String EVAL_LIMIT = "eval_limit_error";
    /** Failure of the surrounding API, e.g. unknown data path or bad input document. */
    public static final String INVALID_INPUT = "invalid_input_error";

    public RegoError {
        if (location == null) location = Location.NONE;
    }

    /** {@code file:row:col: code: message}, the form the CLI prints. */
    @Override
    public String toString() {
        return (location.row() > 0 ? location + ": " : "") + code + ": " + message;
    }
}
