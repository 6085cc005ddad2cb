package dev.airlock.secrets.scope;

import java.util.Optional;

/**
 * A request path in the form scope checks compare: percent-encoded unreserved characters
 * decoded ({@code %7E} is {@code ~}, {@code %2e} is {@code .}), every other escape in upper
 * case, and no dot segments.
 *
 * <p>A path that a server might read as climbing out of an allowed prefix is refused instead
 * of normalized, because servers disagree on normalization: a {@code .} or {@code ..} segment
 * (also when encoded, when separated by {@code \} or by an encoded {@code /} or {@code \},
 * and with {@code ;params} as in {@code /..;/}). Encoded slashes themselves are kept, since
 * real APIs use them inside segments (GitLab's {@code group%2Fproject}).
 */
public final class CanonicalPath {
    private CanonicalPath() {}

    /** The canonical form, or empty when the path is not origin-form, malformed or has dot segments. */
    public static Optional<String> of(String rawPath) {
        if (rawPath == null || !rawPath.startsWith("/")) {
            return Optional.empty();
        }
        StringBuilder out = new StringBuilder(rawPath.length());
        for (int i = 0; i < rawPath.length(); i++) {
            char c = rawPath.charAt(i);
            if (c == '%') {
                if (i + 2 >= rawPath.length()) {
                    return Optional.empty();
                }
                int hi = Character.digit(rawPath.charAt(i + 1), 16);
                int lo = Character.digit(rawPath.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return Optional.empty();
                }
                char decoded = (char) (hi * 16 + lo);
                if (isUnreserved(decoded)) {
                    out.append(decoded);
                } else {
                    out.append('%').append(Character.toUpperCase(rawPath.charAt(i + 1))).append(Character.toUpperCase(rawPath.charAt(i + 2)));
                }
                i += 2;
            } else if (c <= 0x20 || c >= 0x7F || c == '#' || c == '?') {
                return Optional.empty();
            } else {
                out.append(c);
            }
        }
        String canonical = out.toString();
        return hasDotSegment(canonical) ? Optional.empty() : Optional.of(canonical);
    }

    private static boolean hasDotSegment(String path) {
        String separated = path.replace("%2F", "/").replace("%5C", "/").replace('\\', '/');
        for (String segment : separated.split("/", -1)) {
            int semicolon = segment.indexOf(';');
            String name = semicolon >= 0 ? segment.substring(0, semicolon) : segment;
            if (name.equals(".") || name.equals("..")) {
                return true;
            }
        }
        return false;
    }

    static boolean isUnreserved(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '-' || c == '.' || c == '_' || c == '~';
    }
}
