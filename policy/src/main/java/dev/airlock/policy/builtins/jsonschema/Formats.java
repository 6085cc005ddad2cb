package dev.airlock.policy.builtins.jsonschema;

import com.google.re2j.Pattern;
import dev.airlock.policy.value.StringValue;
import dev.airlock.policy.value.Value;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/**
 * The {@code format} checks gojsonschema ships. Only strings are checked; unknown formats and
 * non-string values pass, as in gojsonschema.
 */
final class Formats {
    private Formats() {}

    private static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+$");
    private static final Pattern HOSTNAME = Pattern.compile(
            "^([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9\\-]{0,61}[a-zA-Z0-9])(\\.([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9\\-]{0,61}[a-zA-Z0-9]))*\\.?$");
    private static final Pattern IPV4 = Pattern.compile("^(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}$");
    private static final Pattern UUID = Pattern.compile("^(?i)[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");
    private static final Pattern TIME = Pattern.compile("^([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\\.[0-9]+)?([zZ]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$");
    private static final Pattern JSON_POINTER = Pattern.compile("^(/([^~/]|~[01])*)*$");

    static boolean matches(String format, Value v) {
        if (!(v instanceof StringValue sv)) return true;
        String s = sv.value();
        return switch (format) {
            case "email", "idn-email" -> EMAIL.matcher(s).matches();
            case "hostname" -> s.length() <= 255 && HOSTNAME.matcher(s).matches();
            case "ipv4" -> IPV4.matcher(s).matches();
            case "ipv6" -> s.contains(":") && isIpv6(s);
            case "uuid" -> UUID.matcher(s).matches();
            case "date-time" -> isDateTime(s);
            case "date" -> isDate(s);
            case "time" -> TIME.matcher(s).matches();
            case "uri" -> isUri(s, true);
            case "uri-reference", "iri-reference" -> isUri(s, false);
            case "json-pointer" -> JSON_POINTER.matcher(s).matches();
            case "regex" -> isRegex(s);
            default -> true;
        };
    }

    private static boolean isIpv6(String s) {
        if (!s.matches("[0-9A-Fa-f:.]+")) return false;
        try {
            return java.net.InetAddress.ofLiteral(s) instanceof java.net.Inet6Address;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean isDateTime(String s) {
        try {
            OffsetDateTime.parse(s.replace('t', 'T').replace('z', 'Z'));
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private static boolean isDate(String s) {
        try {
            LocalDate.parse(s);
            return s.length() == 10;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private static boolean isUri(String s, boolean absolute) {
        try {
            URI u = new URI(s);
            return !absolute || u.isAbsolute();
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static boolean isRegex(String s) {
        try {
            Pattern.compile(s);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
