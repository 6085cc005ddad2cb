package dev.airlock.secrets.store;

import dev.airlock.secrets.config.SecretsFileException;

/** What {@link SecretsStore#reload()} did. In every case {@link #inForce()} is the snapshot now used. */
public sealed interface ReloadResult {
    SecretsSnapshot inForce();

    /** The new file was valid and is now in force. */
    record Reloaded(SecretsSnapshot inForce) implements ReloadResult {}

    /** The file's content has not changed since it was loaded; nothing was done. */
    record Unchanged(SecretsSnapshot inForce) implements ReloadResult {}

    /** The new file is invalid; the previous snapshot stays in force. */
    record Failed(SecretsFileException error, SecretsSnapshot inForce) implements ReloadResult {}
}
