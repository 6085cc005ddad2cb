package dev.airlock.secrets;

import dev.airlock.secrets.scope.SecretScope;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One loaded secret: its name, real value, placeholder and scope. The value is held as bytes
 * (UTF-8 of the environment variable, or the file's bytes) and never printed: {@link #toString()}
 * leaves it out, so a secret logged by mistake shows only its name.
 */
public final class Secret {
    private final String name;
    private final byte[] value;
    private final String placeholder;
    private final SecretScope scope;

    public Secret(String name, byte[] value, String placeholder, SecretScope scope) {
        this.name = Objects.requireNonNull(name);
        this.value = value.clone();
        this.placeholder = Objects.requireNonNull(placeholder);
        this.scope = Objects.requireNonNull(scope);
    }

    public String name() {
        return name;
    }

    /** A copy of the real value. */
    public byte[] value() {
        return value.clone();
    }

    /** The value as a string of bytes (ISO-8859-1 view), for splicing into byte-faithful text. */
    public String valueAsLatin1() {
        return new String(value, StandardCharsets.ISO_8859_1);
    }

    public String placeholder() {
        return placeholder;
    }

    public SecretScope scope() {
        return scope;
    }

    @Override
    public String toString() {
        return "Secret[" + name + ", " + value.length + " bytes]";
    }
}
