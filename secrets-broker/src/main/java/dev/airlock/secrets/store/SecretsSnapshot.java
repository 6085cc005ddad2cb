package dev.airlock.secrets.store;

import dev.airlock.secrets.Secret;
import dev.airlock.secrets.broker.SecretBroker;
import dev.airlock.secrets.redact.RedactionPatterns;
import dev.airlock.secrets.redact.SecretRedactor;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One loaded, immutable generation of the secrets: the secrets, their broker and their
 * compiled redaction patterns. A request should use one snapshot from start to finish (take
 * {@link SecretsStore#current()} once), so a reload mid-request cannot mix generations.
 */
public final class SecretsSnapshot {
    private final Path file;
    private final List<Secret> secrets;
    private final SecretBroker broker;
    private final RedactionPatterns redaction;
    private final Instant loadedAt;
    private final byte[] fileDigest;

    SecretsSnapshot(Path file, List<Secret> secrets, Instant loadedAt, byte[] fileDigest) {
        this.file = file;
        this.secrets = List.copyOf(secrets);
        this.broker = new SecretBroker(this.secrets);
        Map<String, byte[]> values = new LinkedHashMap<>();
        for (Secret s : this.secrets) {
            values.put(s.name(), s.value());
        }
        this.redaction = RedactionPatterns.compile(values);
        this.loadedAt = loadedAt;
        this.fileDigest = fileDigest.clone();
    }

    public Path file() {
        return file;
    }

    public List<Secret> secrets() {
        return secrets;
    }

    public List<String> names() {
        return secrets.stream().map(Secret::name).toList();
    }

    /** Secret name → placeholder, in file order. */
    public Map<String, String> placeholders() {
        Map<String, String> out = new LinkedHashMap<>();
        secrets.forEach(s -> out.put(s.name(), s.placeholder()));
        return out;
    }

    public SecretBroker broker() {
        return broker;
    }

    public RedactionPatterns redaction() {
        return redaction;
    }

    /** A streaming redactor for one response body. */
    public SecretRedactor newRedactor() {
        return redaction.newRedactor();
    }

    public Instant loadedAt() {
        return loadedAt;
    }

    byte[] fileDigest() {
        return fileDigest.clone();
    }
}
