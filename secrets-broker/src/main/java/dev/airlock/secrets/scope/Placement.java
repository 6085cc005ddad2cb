package dev.airlock.secrets.scope;

import java.util.Locale;
import java.util.Optional;

/** Where in a request a placeholder was found, and so where its secret may be written. */
public enum Placement {
    /** Anywhere in a header value, e.g. {@code Authorization: Bearer <placeholder>}. */
    HEADER,
    /** Inside the base64 credentials of {@code Authorization: Basic}, as user or password. */
    BASIC,
    /** In the raw query string. */
    QUERY,
    /** In the path. */
    PATH,
    /** In a textual request body no larger than the body cap. */
    BODY;

    /** The spelling used in the secrets file. */
    public String yamlName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Placement> fromYaml(String text) {
        for (Placement p : values()) {
            if (p.yamlName().equals(text)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
