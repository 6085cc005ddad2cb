package dev.airlock.secrets.config;

import java.nio.file.Path;
import java.util.List;

/** A parsed, validated secrets file: the secrets in file order, names unique. */
public record SecretsConfig(Path file, List<SecretSpec> secrets) {
    public SecretsConfig {
        secrets = List.copyOf(secrets);
    }

    public List<String> names() {
        return secrets.stream().map(SecretSpec::name).toList();
    }
}
