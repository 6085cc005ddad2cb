package dev.airlock.secrets.scope;

/** One reason a placeholder may not be replaced where it was found. */
public record ScopeMismatch(Aspect aspect, String message) {
    /** Which part of the scope (or of the request handling) refused. */
    public enum Aspect {
        SCHEME, HOST, PORT, PATH, METHOD, PLACEMENT,
        /** The policy decision did not list the secret among those it allows to inject. */
        POLICY,
        /** The body could not be rewritten: too large, not textual, or content-encoded. */
        BODY,
        /** The placeholder was disguised (percent-encoded) or sits where nothing is ever replaced. */
        ENCODING
    }

    @Override
    public String toString() {
        return message;
    }
}
