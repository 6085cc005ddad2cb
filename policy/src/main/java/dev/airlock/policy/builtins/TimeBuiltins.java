package dev.airlock.policy.builtins;

import static dev.airlock.policy.builtins.Operands.string;
import static dev.airlock.policy.types.Types.N;
import static dev.airlock.policy.types.Types.S;
import static dev.airlock.policy.types.Types.anyOf;
import static dev.airlock.policy.types.Types.args;
import static dev.airlock.policy.types.Types.func;
import static dev.airlock.policy.types.Types.tuple;

import dev.airlock.policy.types.Type;
import dev.airlock.policy.value.ArrayValue;
import dev.airlock.policy.value.NumberValue;
import dev.airlock.policy.value.StringValue;
import dev.airlock.policy.value.Value;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.TextStyle;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Time: nanoseconds since the epoch as int64, Go's reference layouts ({@link GoTimeLayout}),
 * IANA zones from the JDK's tz database. {@code time.now_ns} is the query's fixed start time.
 */
public final class TimeBuiltins {
    private TimeBuiltins() {}

    private static final BigInteger MIN_NS = BigInteger.valueOf(Long.MIN_VALUE);
    private static final BigInteger MAX_NS = BigInteger.valueOf(Long.MAX_VALUE);
    private static final BigInteger BILLION = BigInteger.valueOf(1_000_000_000L);

    /** A time argument: ns, [ns, zone] or (for time.format) [ns, zone, layout]. */
    private static final Type TIME = anyOf(N, tuple(N, S));

    private static final Map<String, String> LAYOUT_NAMES = Map.ofEntries(
            Map.entry("ANSIC", "Mon Jan _2 15:04:05 2006"),
            Map.entry("UnixDate", "Mon Jan _2 15:04:05 MST 2006"),
            Map.entry("RubyDate", "Mon Jan 02 15:04:05 -0700 2006"),
            Map.entry("RFC822", "02 Jan 06 15:04 MST"),
            Map.entry("RFC822Z", "02 Jan 06 15:04 -0700"),
            Map.entry("RFC850", "Monday, 02-Jan-06 15:04:05 MST"),
            Map.entry("RFC1123", "Mon, 02 Jan 2006 15:04:05 MST"),
            Map.entry("RFC1123Z", "Mon, 02 Jan 2006 15:04:05 -0700"),
            Map.entry("RFC3339", "2006-01-02T15:04:05Z07:00"),
            Map.entry("RFC3339Nano", "2006-01-02T15:04:05.999999999Z07:00"),
            Map.entry("Kitchen", "3:04PM"),
            Map.entry("Stamp", "Jan _2 15:04:05"),
            Map.entry("StampMilli", "Jan _2 15:04:05.000"),
            Map.entry("StampMicro", "Jan _2 15:04:05.000000"),
            Map.entry("StampNano", "Jan _2 15:04:05.000000000"),
            Map.entry("DateTime", "2006-01-02 15:04:05"),
            Map.entry("DateOnly", "2006-01-02"),
            Map.entry("TimeOnly", "15:04:05"));

    public static List<Builtin> declarations() {
        return List.of(
                Builtin.of("time.now_ns", func(args(), N), "The query's start time in ns since the epoch",
                        EnumSet.of(Builtin.Flag.NONDETERMINISTIC), (ctx, a) -> NumberValue.of(ctx.queryTimeNanos())),
                Builtin.of("time.parse_ns", func(args(S, S), N), "Parses a time with a Go reference layout",
                        (ctx, a) -> nanos(GoTimeLayout.parse(LAYOUT_NAMES.getOrDefault(string(a, 1), string(a, 1)), string(a, 2)))),
                Builtin.of("time.parse_rfc3339_ns", func(args(S), N), "Parses an RFC 3339 time",
                        (ctx, a) -> nanos(GoTimeLayout.parse(LAYOUT_NAMES.get("RFC3339"), string(a, 1)))),
                Builtin.of("time.parse_duration_ns", func(args(S), N), "Parses a Go duration such as 1h30m or 100ms",
                        (ctx, a) -> NumberValue.of(parseDuration(string(a, 1)))),
                Builtin.of("time.date", func(args(TIME), tuple(N, N, N)), "[year, month, day] of a time",
                        (ctx, a) -> {
                            ZonedDateTime t = time(a.get(0));
                            return ArrayValue.of(num(t.getYear()), num(t.getMonthValue()), num(t.getDayOfMonth()));
                        }),
                Builtin.of("time.clock", func(args(TIME), tuple(N, N, N)), "[hour, minute, second] of a time",
                        (ctx, a) -> {
                            ZonedDateTime t = time(a.get(0));
                            return ArrayValue.of(num(t.getHour()), num(t.getMinute()), num(t.getSecond()));
                        }),
                Builtin.of("time.weekday", func(args(TIME), S), "The day of the week of a time (Monday...)",
                        (ctx, a) -> StringValue.of(time(a.get(0)).getDayOfWeek().getDisplayName(TextStyle.FULL, Locale.ENGLISH))),
                Builtin.of("time.add_date", func(args(N, N, N, N), N),
                        "The time plus years, months and days, normalized as Go's AddDate",
                        (ctx, a) -> addDate(a)),
                Builtin.of("time.diff", func(args(TIME, TIME), tuple(N, N, N, N, N, N)),
                        "[years, months, days, hours, minutes, seconds] between two times",
                        (ctx, a) -> diff(time(a.get(0)), time(a.get(1)))),
                Builtin.of("time.format", func(args(anyOf(N, tuple(N, S), tuple(N, S, S))), S),
                        "Formats a time (RFC 3339 with nanoseconds unless a layout is given)",
                        (ctx, a) -> format(a.get(0))));
    }

    private static NumberValue num(long n) {
        return NumberValue.of(n);
    }

    static NumberValue nanos(Instant i) throws BuiltinException {
        BigInteger ns = BigInteger.valueOf(i.getEpochSecond()).multiply(BILLION).add(BigInteger.valueOf(i.getNano()));
        if (ns.compareTo(MIN_NS) < 0 || ns.compareTo(MAX_NS) > 0) throw BuiltinException.error("time outside of valid range");
        return NumberValue.of(ns);
    }

    private static Instant instant(long ns) {
        return Instant.ofEpochSecond(Math.floorDiv(ns, 1_000_000_000L), Math.floorMod(ns, 1_000_000_000L));
    }

    /** The int64 ns of a number operand, truncating fractions; "timestamp too big" past int64. */
    private static long nsOf(Value v, int pos) throws BuiltinException {
        if (!(v instanceof NumberValue n)) throw Operands.typeError(pos, v, "number");
        BigInteger i = n.value().setScale(0, RoundingMode.DOWN).toBigInteger();
        if (i.bitLength() > 63) throw BuiltinException.error("timestamp too big");
        return i.longValue();
    }

    private static ZoneId zone(String name) throws BuiltinException {
        if (name.isEmpty() || name.equals("UTC")) return ZoneOffset.UTC;
        if (name.equals("Local")) return ZoneId.systemDefault();
        try {
            return ZoneId.of(name);
        } catch (DateTimeException e) {
            throw BuiltinException.error("unknown time zone " + name);
        }
    }

    private static ZonedDateTime time(Value v) throws BuiltinException {
        if (v instanceof NumberValue) return GoTimeLayout.at(instant(nsOf(v, 1)), ZoneOffset.UTC);
        if (v instanceof ArrayValue arr && arr.size() == 2) {
            long ns = nsOf(arr.get(0), 1);
            if (!(arr.get(1) instanceof StringValue z)) throw BuiltinException.type("operand 1 timezone must be a string");
            return GoTimeLayout.at(instant(ns), zone(z.value()));
        }
        throw BuiltinException.type("operand 1 must be either a number (ns) or an array of [ns, timezone]");
    }

    private static Value format(Value v) throws BuiltinException {
        String layout = LAYOUT_NAMES.get("RFC3339Nano");
        ZonedDateTime t;
        if (v instanceof ArrayValue arr && arr.size() == 3) {
            t = time(ArrayValue.of(arr.get(0), arr.get(1)));
            if (!(arr.get(2) instanceof StringValue l)) throw BuiltinException.type("operand 1 layout must be a string");
            layout = LAYOUT_NAMES.getOrDefault(l.value(), l.value());
        } else {
            t = time(v);
        }
        return StringValue.of(GoTimeLayout.format(t, layout));
    }

    private static Value addDate(List<Value> a) throws BuiltinException {
        long ns = nsOf(a.get(0), 1);
        long years = dateDelta(Operands.integer(a, 2));
        long months = dateDelta(Operands.integer(a, 3));
        long days = dateDelta(Operands.integer(a, 4));
        ZonedDateTime t = GoTimeLayout.at(instant(ns), ZoneOffset.UTC);
        // Go normalizes year/month/day arithmetically: Oct 31 + 1 month is Dec 1.
        long m0 = t.getMonthValue() - 1 + months;
        long y = t.getYear() + years + Math.floorDiv(m0, 12);
        int m = (int) Math.floorMod(m0, 12) + 1;
        if (Math.abs(y) > 1_000_000) throw BuiltinException.error("time outside of valid range");
        try {
            LocalDate date = LocalDate.of((int) y, m, 1).plusDays(t.getDayOfMonth() - 1 + days);
            return nanos(date.atTime(t.toLocalTime()).toInstant(ZoneOffset.UTC));
        } catch (DateTimeException | ArithmeticException e) {
            throw BuiltinException.error("time outside of valid range");
        }
    }

    /** A years/months/days operand; anything past a billion lands outside int64 nanoseconds anyway. */
    private static long dateDelta(BigInteger v) throws BuiltinException {
        if (v.abs().compareTo(BigInteger.valueOf(1_000_000_000L)) > 0) throw BuiltinException.error("time outside of valid range");
        return v.longValue();
    }

    /** OPA's time.diff: calendar differences, normalized so each unit is non-negative. */
    private static Value diff(ZonedDateTime t1, ZonedDateTime t2) {
        if (!t1.getZone().equals(t2.getZone())) t2 = t2.withZoneSameInstant(t1.getZone());
        if (t1.isAfter(t2)) {
            ZonedDateTime tmp = t1;
            t1 = t2;
            t2 = tmp;
        }
        long year = t2.getYear() - t1.getYear();
        long month = t2.getMonthValue() - t1.getMonthValue();
        long day = t2.getDayOfMonth() - t1.getDayOfMonth();
        long hour = t2.getHour() - t1.getHour();
        long min = t2.getMinute() - t1.getMinute();
        long sec = t2.getSecond() - t1.getSecond();
        if (sec < 0) {
            sec += 60;
            min--;
        }
        if (min < 0) {
            min += 60;
            hour--;
        }
        if (hour < 0) {
            hour += 24;
            day--;
        }
        if (day < 0) {
            // days in t1's month, as Go's Date(y, m, 32) overflow reveals
            day += LocalDate.of(t1.getYear(), t1.getMonthValue(), 1).lengthOfMonth();
            month--;
        }
        if (month < 0) {
            month += 12;
            year--;
        }
        return ArrayValue.of(num(year), num(month), num(day), num(hour), num(min), num(sec));
    }

    /** Go's time.ParseDuration. */
    static long parseDuration(String s) throws BuiltinException {
        String orig = s;
        if (s.isEmpty()) throw invalidDuration(orig);
        boolean neg = false;
        if (s.charAt(0) == '-' || s.charAt(0) == '+') {
            neg = s.charAt(0) == '-';
            s = s.substring(1);
        }
        if (s.equals("0")) return 0;
        if (s.isEmpty()) throw invalidDuration(orig);
        BigDecimal total = BigDecimal.ZERO;
        int i = 0;
        while (i < s.length()) {
            int start = i;
            while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) i++;
            String number = s.substring(start, i);
            if (number.isEmpty() || number.equals(".") || number.indexOf('.') != number.lastIndexOf('.')) throw invalidDuration(orig);
            int ustart = i;
            while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.') i++;
            String unit = s.substring(ustart, i);
            long scale = switch (unit) {
                case "ns" -> 1L;
                case "us", "µs", "μs" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                case "h" -> 3_600_000_000_000L;
                case "" -> throw BuiltinException.error("time: missing unit in duration " + Operands.quote(orig));
                default -> throw BuiltinException.error("time: unknown unit " + Operands.quote(unit) + " in duration " + Operands.quote(orig));
            };
            total = total.add(new BigDecimal(number.startsWith(".") ? "0" + number : number).multiply(BigDecimal.valueOf(scale)));
        }
        BigInteger ns = total.setScale(0, RoundingMode.DOWN).toBigInteger();
        if (neg) ns = ns.negate();
        if (ns.compareTo(MIN_NS) < 0 || ns.compareTo(MAX_NS) > 0) throw invalidDuration(orig);
        return ns.longValue();
    }

    private static BuiltinException invalidDuration(String s) {
        return BuiltinException.error("time: invalid duration " + Operands.quote(s));
    }

}
