package dev.airlock.policy.builtins.jsonschema;

/** A schema that cannot be compiled, with gojsonschema's message. */
public final class SchemaError extends Exception {
    public SchemaError(String message) {
        super(message, null, false, false);
    }
}
