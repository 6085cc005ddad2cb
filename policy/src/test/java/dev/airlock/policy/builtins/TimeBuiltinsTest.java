package dev.airlock.policy.builtins;

import static dev.airlock.policy.builtins.BuiltinTesting.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import org.junit.jupiter.api.Test;

class TimeBuiltinsTest {
    private static final String RFC3339 = "\"2006-01-02T15:04:05Z07:00\"";

    @Test
    void nowIsTheQueryTime() throws BuiltinException {
        expect(Long.toString(QUERY_TIME), "time.now_ns");
        assertEquals(Set.of(Builtin.Flag.NONDETERMINISTIC), BuiltinRegistry.standard().get("time.now_ns").flags());
    }

    @Test
    void parse() {
        expect("1496455200000000000", "time.parse_ns", RFC3339, "\"2017-06-02T19:00:00-07:00\"");
        expect("-9223372036854775808", "time.parse_ns", RFC3339, "\"1677-09-21T00:12:43.145224192-00:00\"");
        expect("9223372036854775807", "time.parse_ns", RFC3339, "\"2262-04-11T23:47:16.854775807-00:00\"");
        builtinError("time outside of valid range", "time.parse_ns", RFC3339, "\"1677-09-21T00:12:43.145224191-00:00\"");
        builtinError("time outside of valid range", "time.parse_rfc3339_ns", "\"2262-04-11T23:47:16.854775808-00:00\"");
        expect("0", "time.parse_rfc3339_ns", "\"1970-01-01T00:00:00-00:00\"");
        expect("1580515200000000000", "time.parse_ns", "\"2006-01-02\"", "\"2020-02-01\"");
        expect("1496455200000000000", "time.parse_ns", "\"Mon Jan _2 15:04:05 MST 2006\"", "\"Sat Jun  3 02:00:00 UTC 2017\"");
        expect("1496455200123000000", "time.parse_ns", "\"2006-01-02 15:04:05.000 -0700\"", "\"2017-06-02 19:00:00.123 -0700\"");
        expect("1496455200000000000", "time.parse_ns", "\"Jan 2 2006 3:04PM\"", "\"Jun 3 2017 2:00AM\"");
        builtinError("cannot parse", "time.parse_ns", "\"2006-01-02\"", "\"2020/02/01\"");
        builtinError("day out of range", "time.parse_ns", "\"2006-01-02\"", "\"2021-02-29\"");
    }

    @Test
    void durations() {
        expect("100000000", "time.parse_duration_ns", "\"100ms\"");
        expect("5400000000000", "time.parse_duration_ns", "\"1h30m\"");
        expect("-1500000000", "time.parse_duration_ns", "\"-1.5s\"");
        expect("1000", "time.parse_duration_ns", "\"1µs\"");
        builtinError("time: invalid duration", "time.parse_duration_ns", "\"1x\"".replace("1x", "x"));
        builtinError("unknown unit", "time.parse_duration_ns", "\"1x\"");
    }

    @Test
    void dateClockWeekday() {
        expect("[2018,2,5]", "time.date", "1517814000000000000");
        expect("[2018,2,4]", "time.date", "[1517814000000000000, \"America/Los_Angeles\"]");
        expect("[2018,2,5]", "time.date", "[1517832000000000000, \"\"]");
        expect("[2020,2,29]", "time.date", "1582977600000000000");
        builtinError("timestamp too big", "time.date", "1582977600000000000000");
        expect("[12,0,0]", "time.clock", "1517832000000000000");
        expect("[7,0,0]", "time.clock", "[1517832000000000000, \"America/New_York\"]");
        expect("\"Monday\"", "time.weekday", "1517832000000000000");
        expect("\"Sunday\"", "time.weekday", "1518350400000000000");
        builtinError("timestamp too big", "time.weekday", "1582977600000000000000");
    }

    @Test
    void addDateAndDiff() {
        expect("1705257221593912000", "time.add_date", "1585852421593912000", "3", "9", "12");
        expect("1551465221593912000", "time.add_date", "1585852421593912000", "-1", "-1", "-1");
        builtinError("time outside of valid range", "time.add_date", "0", "2262", "1", "1");
        builtinError("time outside of valid range", "time.add_date", "-9223372036854775808", "0", "0", "-1");
        // Oct 31 + 1 month normalizes to Dec 1, as in Go
        expect("1606780800000000000", "time.add_date", "1604102400000000000", "0", "1", "0");
        expect("[0,0,28,0,0,0]", "time.diff", "1580601600000000000", "1583020800000000000");
        expect("[0,0,0,0,1,1]", "time.diff", "61000000000", "0");
        expect("[1,0,1,0,0,0]", "time.diff", "1078012800000000000", "1109635200000000000");
        expect("[0,0,0,0,1,0]", "time.diff", "[1060000000000, \"UTC\"]", "[1000000000000, \"Asia/Shanghai\"]");
    }

    @Test
    void format() {
        expect("\"2022-12-02T18:40:53.141828752Z\"", "time.format", "1670006453141828752");
        expect("\"2022-12-03T00:10:53.141828752+05:30\"", "time.format", "[1670006453141828752, \"Asia/Kolkata\"]");
        expect("\"Sat Dec 03 00:10:53 +0530 2022\"", "time.format", "[1670006453141828752, \"Asia/Kolkata\", \"Mon Jan 02 15:04:05 -0700 2006\"]");
        expect("\"Sat, 03 Dec 2022 00:10:53 +0530\"", "time.format", "[1670006453141828752, \"Asia/Kolkata\", \"RFC1123Z\"]");
        expect("\"12:10AM 337 Saturday December\"", "time.format", "[1670006453141828752, \"Asia/Kolkata\", \"3:04PM 002 Monday January\"]");
        builtinError("timestamp too big", "time.format", "1670006453141828752000");
    }
}
