package dev.airlock.secrets.config;

/** A 1-based line and column in the secrets file; 0 when the parser could not say. */
public record SourcePosition(int line, int column) {
    public static final SourcePosition UNKNOWN = new SourcePosition(0, 0);

    public boolean known() {
        return line > 0;
    }
}
