package dev.airlock.secrets.broker;

import java.util.Locale;
import java.util.Optional;

/**
 * Decides whether a request body may be rewritten: it must be identity-encoded text of a known
 * kind. Replacing bytes inside an image, an archive or a gzip stream would corrupt it; and a
 * missing or repeated {@code Content-Type} is ambiguous, so it counts as not textual.
 */
final class TextualContent {
    private TextualContent() {}

    /** Empty when the body may be rewritten, else the reason it may not. */
    static Optional<String> refusal(OutboundRequest request) {
        String contentType = null;
        int contentTypes = 0;
        for (HttpHeader h : request.headers()) {
            if (h.name().equalsIgnoreCase("content-encoding")) {
                String enc = h.value().strip().toLowerCase(Locale.ROOT);
                if (!enc.isEmpty() && !enc.equals("identity")) {
                    return Optional.of("the body is content-encoded (" + h.value().strip() + "), so it cannot be rewritten");
                }
            }
            if (h.name().equalsIgnoreCase("content-type")) {
                contentType = h.value();
                contentTypes++;
            }
        }
        if (contentTypes != 1) {
            return Optional.of(contentTypes == 0 ? "the body has no Content-Type, so it is not known to be text"
                    : "the request has several Content-Type headers");
        }
        String media = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return isTextual(media) ? Optional.empty()
                : Optional.of("the body's Content-Type '" + media + "' is not a textual type that can be rewritten");
    }

    static boolean isTextual(String media) {
        return media.startsWith("text/")
                || media.equals("application/json")
                || media.endsWith("+json")
                || media.equals("application/x-ndjson")
                || media.equals("application/x-www-form-urlencoded")
                || media.equals("application/xml")
                || media.endsWith("+xml")
                || media.equals("application/graphql")
                || media.equals("application/yaml");
    }
}
