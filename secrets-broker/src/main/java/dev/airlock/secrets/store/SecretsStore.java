package dev.airlock.secrets.store;

import dev.airlock.secrets.Secret;
import dev.airlock.secrets.config.SecretsConfig;
import dev.airlock.secrets.config.SecretsFileException;
import dev.airlock.secrets.config.SecretsFileParser;
import dev.airlock.secrets.placeholder.PlaceholderKey;
import java.io.IOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The secrets file as the gateway holds it: loaded and resolved into an immutable
 * {@link SecretsSnapshot}, replaced atomically on {@link #reload()}. A new file is parsed,
 * validated and resolved completely before it replaces the old one, so a bad edit never
 * leaves the gateway without secrets or with half of them: the old snapshot stays in force
 * and the error is returned for the gateway to log.
 */
public final class SecretsStore {
    private final Path file;
    private final PlaceholderKey key;
    private final Function<String, String> environment;
    private final InstantSource clock;
    private volatile SecretsSnapshot current;

    private SecretsStore(Path file, PlaceholderKey key, Function<String, String> environment, InstantSource clock, SecretsSnapshot first) {
        this.file = file;
        this.key = key;
        this.environment = environment;
        this.clock = clock;
        this.current = first;
    }

    /**
     * Loads {@code secretsFile} with the placeholder key of {@code stateDir} (created on first
     * use) and values from this process's environment.
     *
     * @throws SecretsFileException the file is invalid or a value cannot be read
     * @throws IOException the state directory or its key cannot be read or created
     */
    public static SecretsStore open(Path secretsFile, Path stateDir) throws SecretsFileException, IOException {
        return open(secretsFile, PlaceholderKey.loadOrCreate(stateDir), System::getenv, InstantSource.system());
    }

    public static SecretsStore open(Path secretsFile, PlaceholderKey key, Function<String, String> environment, InstantSource clock)
            throws SecretsFileException {
        Objects.requireNonNull(key);
        SecretsSnapshot first = load(secretsFile, key, environment, clock);
        return new SecretsStore(secretsFile, key, environment, clock, first);
    }

    /** The snapshot in force. Take it once per request. */
    public SecretsSnapshot current() {
        return current;
    }

    /** Re-reads the file (and every value); keeps the old snapshot if anything is wrong. */
    public synchronized ReloadResult reload() {
        try {
            current = load(file, key, environment, clock);
            return new ReloadResult.Reloaded(current);
        } catch (SecretsFileException e) {
            return new ReloadResult.Failed(e, current);
        }
    }

    /** Like {@link #reload()}, but does nothing when the file's bytes are unchanged (for file watchers). */
    public synchronized ReloadResult reloadIfChanged() {
        byte[] digest;
        try {
            digest = digest(SecretsFileParser.read(file));
        } catch (SecretsFileException e) {
            return new ReloadResult.Failed(e, current);
        }
        if (Arrays.equals(digest, current.fileDigest())) {
            return new ReloadResult.Unchanged(current);
        }
        return reload();
    }

    private static SecretsSnapshot load(Path file, PlaceholderKey key, Function<String, String> environment, InstantSource clock)
            throws SecretsFileException {
        byte[] content = SecretsFileParser.read(file);
        SecretsConfig config = SecretsFileParser.parse(file, content);
        List<Secret> secrets = SecretResolver.resolve(config, key, environment);
        return new SecretsSnapshot(file, secrets, clock.instant(), digest(content));
    }

    private static byte[] digest(byte[] content) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK always has SHA-256", e);
        }
    }
}
