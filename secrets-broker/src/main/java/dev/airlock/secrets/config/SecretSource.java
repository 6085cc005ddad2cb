package dev.airlock.secrets.config;

import java.nio.file.Path;

/** Where a secret's real value is read from when the secrets are loaded. */
public sealed interface SecretSource {
    /** {@code from_env: VAR}: the environment of the airlock process. */
    record FromEnv(String variable) implements SecretSource {}

    /** {@code from_file: PATH}: a file, resolved against the secrets file's directory. */
    record FromFile(Path path) implements SecretSource {}
}
