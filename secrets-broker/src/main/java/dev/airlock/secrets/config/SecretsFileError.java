package dev.airlock.secrets.config;

import java.nio.file.Path;

/**
 * One problem in a secrets file, as a value: the file, where in it, which secret (index into
 * {@code secrets} and name, when known), which field (a path such as {@code hosts[1]}), and
 * what is wrong. {@link #toString()} is the line a user sees:
 * {@code secrets.yaml:7:9: secrets[0] (OPENAI_API_KEY) hosts[1]: '*' ...}.
 */
public record SecretsFileError(Path file, SourcePosition position, int secretIndex, String secretName, String field, String message) {
    static SecretsFileError at(Path file, SourcePosition position, String field, String message) {
        return new SecretsFileError(file, position, -1, null, field, message);
    }

    static SecretsFileError inSecret(Path file, SourcePosition position, int index, String name, String field, String message) {
        return new SecretsFileError(file, position, index, name, field, message);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder().append(file);
        if (position.known()) {
            b.append(':').append(position.line()).append(':').append(position.column());
        }
        b.append(": ");
        if (secretIndex >= 0) {
            b.append("secrets[").append(secretIndex).append(']');
            if (secretName != null) {
                b.append(" (").append(secretName).append(')');
            }
            b.append(' ');
        }
        if (field != null && !field.isEmpty()) {
            b.append(field).append(": ");
        }
        return b.append(message).toString();
    }
}
