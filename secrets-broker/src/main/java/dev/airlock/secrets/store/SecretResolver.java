package dev.airlock.secrets.store;

import dev.airlock.secrets.Secret;
import dev.airlock.secrets.config.SecretSource;
import dev.airlock.secrets.config.SecretSpec;
import dev.airlock.secrets.config.SecretsConfig;
import dev.airlock.secrets.config.SecretsFileError;
import dev.airlock.secrets.config.SecretsFileException;
import dev.airlock.secrets.placeholder.PlaceholderKey;
import dev.airlock.secrets.scope.Placement;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads each secret's real value from its source and checks it can be used safely: long enough
 * to be redacted without mangling unrelated bytes, and, when it may be written into a header,
 * path or query, printable ASCII (a CR or LF in a header value would inject headers).
 */
public final class SecretResolver {
    /** Shorter values would be redacted wherever those few bytes happen to occur in a response. */
    public static final int MIN_VALUE_BYTES = 8;
    /** A secret file holds a token or a key, not a data set. */
    public static final int MAX_VALUE_BYTES = 64 * 1024;

    private SecretResolver() {}

    /** Resolves every secret of {@code config}, reporting all failures together. */
    public static List<Secret> resolve(SecretsConfig config, PlaceholderKey key, Function<String, String> environment)
            throws SecretsFileException {
        List<Secret> out = new ArrayList<>();
        List<SecretsFileError> errors = new ArrayList<>();
        for (SecretSpec spec : config.secrets()) {
            String field = spec.source() instanceof SecretSource.FromEnv ? "from_env" : "from_file";
            try {
                byte[] value = read(spec.source(), environment);
                check(value, spec.scope().placements());
                out.add(new Secret(spec.name(), value, key.placeholderFor(spec.name()), spec.scope()));
            } catch (IllegalArgumentException e) {
                errors.add(new SecretsFileError(config.file(), spec.position(), spec.index(), spec.name(), field, e.getMessage()));
            }
        }
        if (!errors.isEmpty()) {
            throw new SecretsFileException(errors);
        }
        return out;
    }

    private static byte[] read(SecretSource source, Function<String, String> environment) {
        return switch (source) {
            case SecretSource.FromEnv env -> {
                String value = environment.apply(env.variable());
                if (value == null) {
                    throw new IllegalArgumentException("environment variable " + env.variable() + " is not set in airlock's environment");
                }
                yield value.getBytes(StandardCharsets.UTF_8);
            }
            case SecretSource.FromFile file -> readFile(file.path());
        };
    }

    private static byte[] readFile(Path path) {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(path)) {
            bytes = in.readNBytes(MAX_VALUE_BYTES + 1);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("file " + path + " does not exist");
        } catch (AccessDeniedException e) {
            throw new IllegalArgumentException("cannot read " + path + ": permission denied");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + path + ": " + e.getMessage());
        }
        if (bytes.length > MAX_VALUE_BYTES) {
            throw new IllegalArgumentException("file " + path + " is larger than " + MAX_VALUE_BYTES + " bytes; is it the right file?");
        }
        // Files written by editors or `echo` end in a newline that is not part of the secret.
        int end = bytes.length;
        while (end > 0 && (bytes[end - 1] == '\n' || bytes[end - 1] == '\r')) {
            end--;
        }
        return java.util.Arrays.copyOf(bytes, end);
    }

    private static void check(byte[] value, Set<Placement> placements) {
        if (value.length == 0) {
            throw new IllegalArgumentException("the value is empty");
        }
        if (value.length < MIN_VALUE_BYTES) {
            throw new IllegalArgumentException("the value is only " + value.length + " bytes; secrets need at least " + MIN_VALUE_BYTES
                    + " so that redacting them does not mangle unrelated response bytes");
        }
        boolean onlyBody = placements.equals(Set.of(Placement.BODY));
        if (!onlyBody) {
            for (byte b : value) {
                if (b < 0x20 || b > 0x7E) {
                    // The message must not echo the byte: it would reveal part of the secret.
                    throw new IllegalArgumentException("the value contains a control or non-ASCII byte, which cannot be written"
                            + " into a header, path or query; only placements: [body] allows that");
                }
            }
        }
    }
}
