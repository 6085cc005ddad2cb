package dev.airlock.secrets.broker;

/**
 * One placeholder occurrence: which secret, where, and for headers which one ({@code detail}
 * is the header name; empty otherwise). {@code disguised} is set when it was only visible after
 * percent-decoding, i.e. someone encoded it to slip past detection.
 */
public record PlaceholderHit(String secret, FoundAt where, String detail, boolean disguised) {
    /** E.g. "in header 'authorization'" or "percent-encoded in the query". */
    public String describe() {
        String place = switch (where) {
            case HOST -> "the host";
            case PATH -> "the path";
            case QUERY -> "the query";
            case BODY -> "the body";
            case HEADER -> "header '" + detail + "'";
            case HEADER_NAME -> "the name of header '" + detail + "'";
            case BASIC -> "the Basic credentials of header '" + detail + "'";
        };
        return (disguised ? "percent-encoded in " : "in ") + place;
    }
}
