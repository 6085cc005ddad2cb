package dev.airlock.policy.builtins;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.Month;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Go's reference-time layouts ({@code Mon Jan 2 15:04:05 MST 2006}) for parsing and formatting,
 * following the time package's chunk rules: {@code 2006 06 01 1 Jan January 02 2 _2 002 __2 15
 * 3 03 4 04 5 05 PM pm Mon Monday MST -0700 -07:00 -07 -070000 -07:00:00 Z0700 Z07:00 Z07
 * Z070000 Z07:00:00} and fractional seconds {@code .000} / {@code .999} (or with a comma).
 */
final class GoTimeLayout {
    private GoTimeLayout() {}

    enum Std {
        LONG_MONTH, MONTH, NUM_MONTH, ZERO_MONTH, LONG_WEEKDAY, WEEKDAY, DAY, UNDER_DAY, ZERO_DAY,
        UNDER_YEAR_DAY, ZERO_YEAR_DAY, HOUR, HOUR12, ZERO_HOUR12, MINUTE, ZERO_MINUTE, SECOND, ZERO_SECOND,
        LONG_YEAR, YEAR, PM_UPPER, PM_LOWER, TZ, ISO8601_TZ, ISO8601_SECONDS_TZ, ISO8601_SHORT_TZ,
        ISO8601_COLON_TZ, ISO8601_COLON_SECONDS_TZ, NUM_TZ, NUM_SECONDS_TZ, NUM_SHORT_TZ, NUM_COLON_TZ,
        NUM_COLON_SECONDS_TZ, FRAC_ZERO, FRAC_NINE
    }

    /** A literal run or a std element (with its digit count for fractions, and separator). */
    record Chunk(String literal, Std std, int digits, char sep) {}

    static List<Chunk> chunks(String layout) {
        List<Chunk> out = new ArrayList<>();
        StringBuilder lit = new StringBuilder();
        int i = 0;
        while (i < layout.length()) {
            Object[] m = match(layout, i);
            if (m == null) {
                lit.append(layout.charAt(i++));
                continue;
            }
            if (lit.length() > 0) {
                out.add(new Chunk(lit.toString(), null, 0, '.'));
                lit.setLength(0);
            }
            Std std = (Std) m[0];
            int len = (int) m[1];
            out.add(new Chunk(null, std, std == Std.FRAC_ZERO || std == Std.FRAC_NINE ? len - 1 : 0, layout.charAt(i)));
            i += len;
        }
        if (lit.length() > 0) out.add(new Chunk(lit.toString(), null, 0, '.'));
        return out;
    }

    /** {Std, length} of the element starting at i, or null. */
    private static Object[] match(String l, int i) {
        char c = l.charAt(i);
        switch (c) {
            case 'J' -> {
                if (l.startsWith("January", i)) return new Object[] {Std.LONG_MONTH, 7};
                if (l.startsWith("Jan", i)) return new Object[] {Std.MONTH, 3};
            }
            case 'M' -> {
                if (l.startsWith("Monday", i)) return new Object[] {Std.LONG_WEEKDAY, 6};
                if (l.startsWith("Mon", i)) return new Object[] {Std.WEEKDAY, 3};
                if (l.startsWith("MST", i)) return new Object[] {Std.TZ, 3};
            }
            case '0' -> {
                if (i + 1 < l.length() && l.charAt(i + 1) >= '1' && l.charAt(i + 1) <= '6') {
                    return new Object[] {switch (l.charAt(i + 1)) {
                        case '1' -> Std.ZERO_MONTH;
                        case '2' -> Std.ZERO_DAY;
                        case '3' -> Std.ZERO_HOUR12;
                        case '4' -> Std.ZERO_MINUTE;
                        case '5' -> Std.ZERO_SECOND;
                        default -> Std.YEAR;
                    }, 2};
                }
                if (l.startsWith("002", i)) return new Object[] {Std.ZERO_YEAR_DAY, 3};
            }
            case '1' -> {
                if (l.startsWith("15", i)) return new Object[] {Std.HOUR, 2};
                return new Object[] {Std.NUM_MONTH, 1};
            }
            case '2' -> {
                if (l.startsWith("2006", i)) return new Object[] {Std.LONG_YEAR, 4};
                return new Object[] {Std.DAY, 1};
            }
            case '_' -> {
                if (l.startsWith("_2", i)) {
                    if (l.startsWith("_2006", i)) return null; // literal '_' then the year
                    return new Object[] {Std.UNDER_DAY, 2};
                }
                if (l.startsWith("__2", i)) return new Object[] {Std.UNDER_YEAR_DAY, 3};
            }
            case '3' -> {
                return new Object[] {Std.HOUR12, 1};
            }
            case '4' -> {
                return new Object[] {Std.MINUTE, 1};
            }
            case '5' -> {
                return new Object[] {Std.SECOND, 1};
            }
            case 'P' -> {
                if (l.startsWith("PM", i)) return new Object[] {Std.PM_UPPER, 2};
            }
            case 'p' -> {
                if (l.startsWith("pm", i)) return new Object[] {Std.PM_LOWER, 2};
            }
            case '-' -> {
                if (l.startsWith("-070000", i)) return new Object[] {Std.NUM_SECONDS_TZ, 7};
                if (l.startsWith("-07:00:00", i)) return new Object[] {Std.NUM_COLON_SECONDS_TZ, 9};
                if (l.startsWith("-0700", i)) return new Object[] {Std.NUM_TZ, 5};
                if (l.startsWith("-07:00", i)) return new Object[] {Std.NUM_COLON_TZ, 6};
                if (l.startsWith("-07", i)) return new Object[] {Std.NUM_SHORT_TZ, 3};
            }
            case 'Z' -> {
                if (l.startsWith("Z070000", i)) return new Object[] {Std.ISO8601_SECONDS_TZ, 7};
                if (l.startsWith("Z07:00:00", i)) return new Object[] {Std.ISO8601_COLON_SECONDS_TZ, 9};
                if (l.startsWith("Z0700", i)) return new Object[] {Std.ISO8601_TZ, 5};
                if (l.startsWith("Z07:00", i)) return new Object[] {Std.ISO8601_COLON_TZ, 6};
                if (l.startsWith("Z07", i)) return new Object[] {Std.ISO8601_SHORT_TZ, 3};
            }
            case '.', ',' -> {
                if (i + 1 < l.length() && (l.charAt(i + 1) == '0' || l.charAt(i + 1) == '9')) {
                    char d = l.charAt(i + 1);
                    int j = i + 1;
                    while (j < l.length() && l.charAt(j) == d) j++;
                    if (j >= l.length() || !Character.isDigit(l.charAt(j))) {
                        return new Object[] {d == '0' ? Std.FRAC_ZERO : Std.FRAC_NINE, j - i};
                    }
                }
            }
            default -> {
                return null;
            }
        }
        return null;
    }

    // ---------------------------------------------------------------- formatting

    static String format(ZonedDateTime t, String layout) {
        StringBuilder sb = new StringBuilder();
        for (Chunk c : chunks(layout)) {
            if (c.literal() != null) {
                sb.append(c.literal());
                continue;
            }
            int hour = t.getHour();
            switch (c.std()) {
                case LONG_MONTH -> sb.append(t.getMonth().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
                case MONTH -> sb.append(t.getMonth().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                case NUM_MONTH -> sb.append(t.getMonthValue());
                case ZERO_MONTH -> pad(sb, t.getMonthValue(), 2);
                case LONG_WEEKDAY -> sb.append(t.getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH));
                case WEEKDAY -> sb.append(t.getDayOfWeek().getDisplayName(TextStyle.SHORT, Locale.ENGLISH));
                case DAY -> sb.append(t.getDayOfMonth());
                case UNDER_DAY -> sb.append(t.getDayOfMonth() < 10 ? " " : "").append(t.getDayOfMonth());
                case ZERO_DAY -> pad(sb, t.getDayOfMonth(), 2);
                case UNDER_YEAR_DAY -> sb.append(String.format("%3d", t.getDayOfYear()));
                case ZERO_YEAR_DAY -> pad(sb, t.getDayOfYear(), 3);
                case HOUR -> pad(sb, hour, 2);
                case HOUR12 -> sb.append(hour % 12 == 0 ? 12 : hour % 12);
                case ZERO_HOUR12 -> pad(sb, hour % 12 == 0 ? 12 : hour % 12, 2);
                case MINUTE -> sb.append(t.getMinute());
                case ZERO_MINUTE -> pad(sb, t.getMinute(), 2);
                case SECOND -> sb.append(t.getSecond());
                case ZERO_SECOND -> pad(sb, t.getSecond(), 2);
                case LONG_YEAR -> {
                    int y = t.getYear();
                    if (y < 0) {
                        sb.append('-');
                        y = -y;
                    }
                    pad(sb, y, 4);
                }
                case YEAR -> pad(sb, Math.floorMod(t.getYear(), 100), 2);
                case PM_UPPER -> sb.append(hour >= 12 ? "PM" : "AM");
                case PM_LOWER -> sb.append(hour >= 12 ? "pm" : "am");
                case TZ -> sb.append(zoneAbbreviation(t));
                case FRAC_ZERO, FRAC_NINE -> fraction(sb, t.getNano(), c.digits(), c.std() == Std.FRAC_NINE, c.sep());
                default -> offset(sb, c.std(), t.getOffset().getTotalSeconds());
            }
        }
        return sb.toString();
    }

    private static void pad(StringBuilder sb, int v, int width) {
        String s = Integer.toString(v);
        for (int i = s.length(); i < width; i++) sb.append('0');
        sb.append(s);
    }

    /** The zone abbreviation (MST, CET...), or the numeric offset (+0530) where the zone has none, as Go prints. */
    private static String zoneAbbreviation(ZonedDateTime t) {
        int total = t.getOffset().getTotalSeconds();
        if (t.getZone() instanceof ZoneOffset) return total == 0 ? "UTC" : numericAbbreviation(total);
        String abbr = java.time.format.DateTimeFormatter.ofPattern("zzz", Locale.ENGLISH).format(t);
        if (abbr.startsWith("GMT") && abbr.length() > 3 || abbr.startsWith("+") || abbr.startsWith("-")) {
            return numericAbbreviation(total);
        }
        return abbr;
    }

    private static String numericAbbreviation(int total) {
        StringBuilder sb = new StringBuilder();
        offset(sb, Std.NUM_SHORT_TZ, total);
        int min = Math.abs(total) / 60 % 60;
        if (min != 0) pad(sb, min, 2);
        return sb.toString();
    }

    private static void fraction(StringBuilder sb, int nanos, int digits, boolean trim, char sep) {
        String f = String.format("%09d", nanos).substring(0, Math.min(9, digits));
        if (trim) {
            int end = f.length();
            while (end > 0 && f.charAt(end - 1) == '0') end--;
            f = f.substring(0, end);
            if (f.isEmpty()) return;
        }
        sb.append(sep).append(f);
    }

    private static void offset(StringBuilder sb, Std std, int totalSeconds) {
        boolean iso = std.name().startsWith("ISO8601");
        if (iso && totalSeconds == 0) {
            sb.append('Z');
            return;
        }
        int abs = Math.abs(totalSeconds);
        sb.append(totalSeconds < 0 ? '-' : '+');
        pad(sb, abs / 3600, 2);
        boolean colon = std.name().contains("COLON");
        boolean shortTz = std == Std.NUM_SHORT_TZ || std == Std.ISO8601_SHORT_TZ;
        boolean secs = std.name().contains("SECONDS");
        if (!shortTz) {
            if (colon) sb.append(':');
            pad(sb, abs / 60 % 60, 2);
        }
        if (secs) {
            if (colon) sb.append(':');
            pad(sb, abs % 60, 2);
        }
    }

    // ---------------------------------------------------------------- parsing

    /** The parsed instant, in Go's {@code time.Parse} rules (UTC unless the value names an offset). */
    static Instant parse(String layout, String value) throws BuiltinException {
        String orig = value;
        int year = 1;
        int month = 1;
        int day = 1;
        int yday = -1;
        int hour = 0;
        int min = 0;
        int sec = 0;
        int nanos = 0;
        boolean pmSet = false;
        boolean amSet = false;
        Integer offsetSeconds = null;
        List<Chunk> chunks = chunks(layout);
        for (int ci = 0; ci < chunks.size(); ci++) {
            Chunk c = chunks.get(ci);
            if (c.literal() != null) {
                String lit = c.literal();
                // Go skips leading spaces in both when the literal starts with one
                while (!lit.isEmpty() && lit.charAt(0) == ' ' && !value.isEmpty() && value.charAt(0) == ' ') {
                    lit = lit.substring(1);
                    value = value.substring(1);
                }
                if (!value.startsWith(lit)) throw cannotParse(orig, layout, value, lit);
                value = value.substring(lit.length());
                continue;
            }
            String before = value;
            try {
                switch (c.std()) {
                    case LONG_YEAR -> {
                        if (value.length() < 4 || !allDigits(value.substring(0, 4))) throw new IllegalArgumentException();
                        year = Integer.parseInt(value.substring(0, 4));
                        value = value.substring(4);
                    }
                    case YEAR -> {
                        if (value.length() < 2 || !allDigits(value.substring(0, 2))) throw new IllegalArgumentException();
                        year = Integer.parseInt(value.substring(0, 2));
                        year += year >= 69 ? 1900 : 2000;
                        value = value.substring(2);
                    }
                    case LONG_MONTH, MONTH -> {
                        boolean found = false;
                        for (Month m : Month.values()) {
                            String name = m.getDisplayName(c.std() == Std.LONG_MONTH ? TextStyle.FULL : TextStyle.SHORT, Locale.ENGLISH);
                            if (value.regionMatches(true, 0, name, 0, name.length())) {
                                month = m.getValue();
                                value = value.substring(name.length());
                                found = true;
                                break;
                            }
                        }
                        if (!found) throw new IllegalArgumentException();
                    }
                    case LONG_WEEKDAY, WEEKDAY -> {
                        boolean found = false;
                        for (DayOfWeek d : DayOfWeek.values()) {
                            String name = d.getDisplayName(c.std() == Std.LONG_WEEKDAY ? TextStyle.FULL : TextStyle.SHORT, Locale.ENGLISH);
                            if (value.regionMatches(true, 0, name, 0, name.length())) {
                                value = value.substring(name.length());
                                found = true;
                                break;
                            }
                        }
                        if (!found) throw new IllegalArgumentException();
                    }
                    case NUM_MONTH, ZERO_MONTH -> {
                        int[] r = num(value, c.std() == Std.ZERO_MONTH);
                        month = r[0];
                        value = value.substring(r[1]);
                        if (month < 1 || month > 12) throw range(orig, "month");
                    }
                    case DAY, UNDER_DAY, ZERO_DAY -> {
                        if (c.std() == Std.UNDER_DAY && value.startsWith(" ")) value = value.substring(1);
                        int[] r = num(value, c.std() == Std.ZERO_DAY);
                        day = r[0];
                        value = value.substring(r[1]);
                    }
                    case UNDER_YEAR_DAY, ZERO_YEAR_DAY -> {
                        while (c.std() == Std.UNDER_YEAR_DAY && value.startsWith(" ")) value = value.substring(1);
                        int n = 0;
                        while (n < 3 && n < value.length() && Character.isDigit(value.charAt(n))) n++;
                        if (n == 0 || (c.std() == Std.ZERO_YEAR_DAY && n != 3)) throw new IllegalArgumentException();
                        yday = Integer.parseInt(value.substring(0, n));
                        value = value.substring(n);
                    }
                    case HOUR -> {
                        int[] r = num(value, false);
                        hour = r[0];
                        value = value.substring(r[1]);
                        if (hour > 23) throw range(orig, "hour");
                    }
                    case HOUR12, ZERO_HOUR12 -> {
                        int[] r = num(value, c.std() == Std.ZERO_HOUR12);
                        hour = r[0];
                        value = value.substring(r[1]);
                        if (hour > 12) throw range(orig, "hour");
                    }
                    case MINUTE, ZERO_MINUTE -> {
                        int[] r = num(value, c.std() == Std.ZERO_MINUTE);
                        min = r[0];
                        value = value.substring(r[1]);
                        if (min > 59) throw range(orig, "minute");
                    }
                    case SECOND, ZERO_SECOND -> {
                        int[] r = num(value, c.std() == Std.ZERO_SECOND);
                        sec = r[0];
                        value = value.substring(r[1]);
                        if (sec > 59) throw range(orig, "second");
                        // A fraction may follow even when the layout has none.
                        boolean layoutHasFraction = ci + 1 < chunks.size() && chunks.get(ci + 1).std() != null
                                && (chunks.get(ci + 1).std() == Std.FRAC_ZERO || chunks.get(ci + 1).std() == Std.FRAC_NINE);
                        if (!layoutHasFraction && value.length() >= 2 && (value.charAt(0) == '.' || value.charAt(0) == ',')
                                && Character.isDigit(value.charAt(1))) {
                            int n = 1;
                            while (n < value.length() && Character.isDigit(value.charAt(n))) n++;
                            nanos = fractionNanos(value.substring(1, n));
                            value = value.substring(n);
                        }
                    }
                    case PM_UPPER, PM_LOWER -> {
                        if (value.length() < 2) throw new IllegalArgumentException();
                        String p = value.substring(0, 2).toUpperCase(Locale.ROOT);
                        if (p.equals("PM")) pmSet = true;
                        else if (p.equals("AM")) amSet = true;
                        else throw new IllegalArgumentException();
                        value = value.substring(2);
                    }
                    case TZ -> {
                        if (value.startsWith("UTC")) {
                            offsetSeconds = 0;
                            value = value.substring(3);
                        } else {
                            int n = 0;
                            while (n < value.length() && Character.isUpperCase(value.charAt(n))) n++;
                            if (n < 3) throw new IllegalArgumentException();
                            value = value.substring(n);
                            // Go fabricates a zone with offset 0 for abbreviations it cannot resolve
                            offsetSeconds = 0;
                        }
                    }
                    case FRAC_ZERO -> {
                        int n = c.digits() + 1;
                        if (value.length() < n || (value.charAt(0) != '.' && value.charAt(0) != ',')
                                || !allDigits(value.substring(1, n))) throw new IllegalArgumentException();
                        nanos = fractionNanos(value.substring(1, n));
                        value = value.substring(n);
                    }
                    case FRAC_NINE -> {
                        if (value.length() >= 2 && (value.charAt(0) == '.' || value.charAt(0) == ',') && Character.isDigit(value.charAt(1))) {
                            int n = 1;
                            while (n < value.length() && Character.isDigit(value.charAt(n))) n++;
                            nanos = fractionNanos(value.substring(1, n));
                            value = value.substring(n);
                        }
                    }
                    default -> {
                        boolean iso = c.std().name().startsWith("ISO8601");
                        if (iso && value.startsWith("Z")) {
                            offsetSeconds = 0;
                            value = value.substring(1);
                            break;
                        }
                        Object[] r = parseOffset(value, c.std());
                        offsetSeconds = (Integer) r[0];
                        value = (String) r[1];
                    }
                }
            } catch (IllegalArgumentException | StringIndexOutOfBoundsException e) {
                throw cannotParse(orig, layout, before, c.std().name());
            }
        }
        if (!value.isEmpty()) throw BuiltinException.error("parsing time " + Operands.quote(orig) + ": extra text: " + Operands.quote(value));
        if (pmSet && hour < 12) hour += 12;
        else if (amSet && hour == 12) hour = 0;
        LocalDate date;
        try {
            if (yday >= 0) {
                date = LocalDate.ofYearDay(year, yday);
            } else {
                date = LocalDate.of(year, month, day);
            }
        } catch (java.time.DateTimeException e) {
            throw range(orig, "day");
        }
        ZoneOffset off = ZoneOffset.ofTotalSeconds(offsetSeconds == null ? 0 : offsetSeconds);
        return date.atTime(hour, min, sec, nanos).toInstant(off);
    }

    private static boolean allDigits(String s) {
        return !s.isEmpty() && s.chars().allMatch(ch -> ch >= '0' && ch <= '9');
    }

    /** One or two digits (exactly two when fixed). {value, length}. */
    private static int[] num(String s, boolean fixed) {
        if (s.isEmpty() || !Character.isDigit(s.charAt(0))) throw new IllegalArgumentException();
        if (s.length() < 2 || !Character.isDigit(s.charAt(1))) {
            if (fixed) throw new IllegalArgumentException();
            return new int[] {s.charAt(0) - '0', 1};
        }
        return new int[] {(s.charAt(0) - '0') * 10 + (s.charAt(1) - '0'), 2};
    }

    private static int fractionNanos(String digits) {
        String d = digits.length() > 9 ? digits.substring(0, 9) : digits;
        StringBuilder sb = new StringBuilder(d);
        while (sb.length() < 9) sb.append('0');
        return Integer.parseInt(sb.toString());
    }

    /** {offset seconds, rest} for a numeric zone element. */
    private static Object[] parseOffset(String v, Std std) {
        boolean colon = std.name().contains("COLON");
        boolean shortTz = std == Std.NUM_SHORT_TZ || std == Std.ISO8601_SHORT_TZ;
        boolean secs = std.name().contains("SECONDS");
        if (v.isEmpty() || (v.charAt(0) != '+' && v.charAt(0) != '-')) throw new IllegalArgumentException();
        int sign = v.charAt(0) == '-' ? -1 : 1;
        int pos = 1;
        int h = two(v, pos);
        pos += 2;
        int m = 0;
        int s = 0;
        if (!shortTz) {
            if (colon) {
                if (v.charAt(pos) != ':') throw new IllegalArgumentException();
                pos++;
            }
            m = two(v, pos);
            pos += 2;
        }
        if (secs) {
            if (colon) {
                if (v.charAt(pos) != ':') throw new IllegalArgumentException();
                pos++;
            }
            s = two(v, pos);
            pos += 2;
        }
        if (h > 24 || m > 59 || s > 59) throw new IllegalArgumentException();
        return new Object[] {sign * (h * 3600 + m * 60 + s), v.substring(pos)};
    }

    private static int two(String v, int pos) {
        if (pos + 2 > v.length() || !Character.isDigit(v.charAt(pos)) || !Character.isDigit(v.charAt(pos + 1))) {
            throw new IllegalArgumentException();
        }
        return (v.charAt(pos) - '0') * 10 + (v.charAt(pos + 1) - '0');
    }

    private static BuiltinException cannotParse(String value, String layout, String rest, String elem) {
        return BuiltinException.error("parsing time " + Operands.quote(value) + " as " + Operands.quote(layout)
                + ": cannot parse " + Operands.quote(rest) + " as " + Operands.quote(elem));
    }

    private static BuiltinException range(String value, String what) {
        return BuiltinException.error("parsing time " + Operands.quote(value) + ": " + what + " out of range");
    }

    static ZonedDateTime at(Instant i, ZoneId zone) {
        return ZonedDateTime.ofInstant(i, zone);
    }
}
