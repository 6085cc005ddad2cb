package dev.airlock.secrets.config;

import java.util.List;

/** A secrets file that cannot be used, with every problem found (not just the first). */
public final class SecretsFileException extends Exception {
    private final List<SecretsFileError> errors;

    public SecretsFileException(List<SecretsFileError> errors) {
        super(render(errors), null, false, false);
        this.errors = List.copyOf(errors);
    }

    public List<SecretsFileError> errors() {
        return errors;
    }

    private static String render(List<SecretsFileError> errors) {
        StringBuilder b = new StringBuilder();
        for (SecretsFileError e : errors) {
            if (!b.isEmpty()) {
                b.append('\n');
            }
            b.append(e);
        }
        return b.toString();
    }
}
