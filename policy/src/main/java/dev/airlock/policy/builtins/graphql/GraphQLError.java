package dev.airlock.policy.builtins.graphql;

/**
 * A GraphQL syntax or validation error at a source position (null when the node came from a JSON
 * object). {@link #goString()} renders it as gqlparser's {@code gqlerror.Error} does, which is the
 * text OPA slices its messages from.
 */
public final class GraphQLError extends Exception {
    private final Ast.Position position;

    public GraphQLError(Ast.Position position, String message) {
        super(message, null, false, false);
        this.position = position;
    }

    public Ast.Position position() {
        return position;
    }

    /** {@code input:LINE:COL: message}, or {@code input: message} without a position. */
    public String goString() {
        return position == null ? "input: " + getMessage()
                : "input:" + position.line() + ":" + position.column() + ": " + getMessage();
    }
}
