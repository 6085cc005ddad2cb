package dev.airlock.cli;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses {@code --since}: an RFC 3339 time, or a duration back from now like {@code 15m}, {@code 1h30m}. */
final class TimeOrDuration {
    private static final Pattern DURATION = Pattern.compile("(?:\\d+(?:ms|s|m|h|d))+");
    private static final Pattern PART = Pattern.compile("(\\d+)(ms|s|m|h|d)");

    private TimeOrDuration() {}

    /** The instant meant by {@code text}; throws {@link IllegalArgumentException} saying what is accepted. */
    static Instant parse(String text, Clock clock) {
        if (DURATION.matcher(text).matches()) {
            Duration total = Duration.ZERO;
            Matcher m = PART.matcher(text);
            while (m.find()) {
                long n = Long.parseLong(m.group(1));
                total = total.plus(switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofDays(n);
                });
            }
            return clock.instant().minus(total);
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("expected an RFC 3339 time such as 2025-03-01T12:00:00Z, or a"
                    + " duration back from now such as 15m, 2h, 1d or 1h30m; got '" + text + "'");
        }
    }
}
