package dev.airlock.policy.builtins.jsonschema;

/**
 * One failed check, as gojsonschema reports it: {@code type} (e.g. {@code invalid_type}),
 * {@code field} (the instance path without its {@code (root).} prefix, or {@code (root)}) and the
 * human description; {@link #error()} is its {@code field: description} rendering.
 */
public record ValidationError(String type, String field, String description) {
    public String error() {
        return field + ": " + description;
    }
}
