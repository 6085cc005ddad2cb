package dev.airlock.secrets.broker;

import dev.airlock.secrets.Secret;
import dev.airlock.secrets.placeholder.PlaceholderKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Finds known placeholders in text. Every placeholder starts with
 * {@link PlaceholderKey#PREFIX}, then a name of {@code [A-Za-z0-9_]}, a dash and
 * {@link PlaceholderKey#TAG_LENGTH} base32 characters; so one scan for the prefix and a parse
 * at each hit finds them all in linear time, and the dash makes the name boundary unambiguous.
 * Text is a {@code String} whose chars are bytes (ISO-8859-1 view) or header characters.
 */
final class PlaceholderFinder {
    /** Where one placeholder sits in the scanned text: [start, end). */
    record Occurrence(int start, int end, Secret secret) {}

    private final Map<String, Secret> byPlaceholder;
    private final int maxLength;

    PlaceholderFinder(Map<String, Secret> byPlaceholder) {
        this.byPlaceholder = byPlaceholder;
        this.maxLength = byPlaceholder.keySet().stream().mapToInt(String::length).max().orElse(0);
    }

    int maxLength() {
        return maxLength;
    }

    List<Occurrence> find(String text) {
        List<Occurrence> out = new ArrayList<>();
        if (byPlaceholder.isEmpty()) {
            return out;
        }
        int from = 0;
        while (true) {
            int at = text.indexOf(PlaceholderKey.PREFIX, from);
            if (at < 0) {
                return out;
            }
            int end = candidateEnd(text, at);
            Secret secret = end < 0 ? null : byPlaceholder.get(text.substring(at, end));
            if (secret != null) {
                out.add(new Occurrence(at, end, secret));
                from = end;
            } else {
                from = at + 1;
            }
        }
    }

    /** End of a well-formed placeholder starting at {@code at}, or -1. */
    private static int candidateEnd(String text, int at) {
        int i = at + PlaceholderKey.PREFIX.length();
        int nameStart = i;
        while (i < text.length() && isNameChar(text.charAt(i))) {
            i++;
        }
        if (i == nameStart || i >= text.length() || text.charAt(i) != '-') {
            return -1;
        }
        int tagEnd = i + 1 + PlaceholderKey.TAG_LENGTH;
        if (tagEnd > text.length()) {
            return -1;
        }
        for (int j = i + 1; j < tagEnd; j++) {
            char c = text.charAt(j);
            if (!((c >= 'a' && c <= 'z') || (c >= '2' && c <= '7'))) {
                return -1;
            }
        }
        return tagEnd;
    }

    private static boolean isNameChar(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    }

    /** {@code text} with every occurrence replaced by {@code replacement.apply(secret)}. */
    String replace(String text, List<Occurrence> occurrences, java.util.function.Function<Secret, String> replacement) {
        if (occurrences.isEmpty()) {
            return text;
        }
        StringBuilder b = new StringBuilder(text.length());
        int last = 0;
        for (Occurrence o : occurrences) {
            b.append(text, last, o.start()).append(replacement.apply(o.secret()));
            last = o.end();
        }
        return b.append(text, last, text.length()).toString();
    }
}
