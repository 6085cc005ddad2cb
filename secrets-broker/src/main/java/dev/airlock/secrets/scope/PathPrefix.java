package dev.airlock.secrets.scope;

/**
 * One entry of a secret's {@code paths}. Compared with the {@link CanonicalPath} of the request,
 * case-sensitively, by whole segments: {@code /v1/} matches {@code /v1/models}; {@code /v1}
 * matches {@code /v1} and {@code /v1/models} but not {@code /v1beta}.
 */
public final class PathPrefix {
    private final String text;
    private final String canonical;

    private PathPrefix(String text, String canonical) {
        this.text = text;
        this.canonical = canonical;
    }

    public static PathPrefix parse(String text) {
        if (!text.startsWith("/")) {
            throw new IllegalArgumentException("'" + text + "': a path prefix must start with '/'");
        }
        if (text.indexOf('?') >= 0 || text.indexOf('#') >= 0) {
            throw new IllegalArgumentException("'" + text + "': a path prefix cannot contain '?' or '#' (query strings are not part of the path)");
        }
        String canonical = CanonicalPath.of(text).orElseThrow(() -> new IllegalArgumentException(
                "'" + text + "': not a usable path prefix (bad percent-encoding, spaces, or '.'/'..' segments)"));
        return new PathPrefix(text, canonical);
    }

    /** {@code canonicalPath} must come from {@link CanonicalPath#of}. */
    public boolean matches(String canonicalPath) {
        if (canonical.endsWith("/")) {
            return canonicalPath.startsWith(canonical);
        }
        return canonicalPath.equals(canonical) || canonicalPath.startsWith(canonical + "/");
    }

    @Override
    public String toString() {
        return text;
    }
}
