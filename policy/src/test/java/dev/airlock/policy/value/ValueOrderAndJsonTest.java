package dev.airlock.policy.value;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ValueOrderAndJsonTest {
    @Test
    void kindsOrderAsInOpa() throws Exception {
        List<Value> ascending = List.of(
                NullValue.NULL, BoolValue.FALSE, BoolValue.TRUE, NumberValue.of(-1), NumberValue.parse("2.5"),
                StringValue.of("a"), StringValue.of("b"), Json.parse("[1]"), Json.parse("{\"a\":1}"), SetValue.of(NumberValue.ONE));
        for (int i = 0; i + 1 < ascending.size(); i++) {
            assertTrue(ascending.get(i).compareTo(ascending.get(i + 1)) < 0, ascending.get(i) + " < " + ascending.get(i + 1));
        }
    }

    @Test
    void numbersCompareByValue() {
        assertEquals(NumberValue.parse("1.0"), NumberValue.of(1));
        assertEquals(NumberValue.parse("1.0").hashCode(), NumberValue.of(1).hashCode());
        assertEquals("1", NumberValue.parse("1.00").toString());
        assertEquals("0.25", NumberValue.parse("2.5e-1").toString());
        assertEquals("100", NumberValue.parse("1e2").toString());
    }

    @Test
    void stringsOrderByCodePointNotUtf16() {
        // U+1F600 (surrogate pair) sorts after U+FF5E in UTF-8 byte order.
        assertTrue(StringValue.of("\uD83D\uDE00").compareTo(StringValue.of("\uFF5E")) > 0);
    }

    @Test
    void jsonRoundTripKeepsPrecisionAndSortsKeys() throws Exception {
        Value v = Json.parse("{\"b\": 12345678901234567890123, \"a\": [true, null, \"x<y\"]}");
        assertEquals("{\"a\":[true,null,\"x\\u003cy\"],\"b\":12345678901234567890123}", Json.write(v));
    }

    @Test
    void setsWriteAsArraysAndRegoTextUsesBraces() {
        SetValue s = SetValue.of(StringValue.of("b"), StringValue.of("a"));
        assertEquals("[\"a\",\"b\"]", Json.write(s));
        assertEquals("{\"a\", \"b\"}", Values.toRegoText(s));
        assertEquals("set()", Values.toRegoText(SetValue.EMPTY));
    }

    @Test
    void malformedAndTooDeepJsonAreErrorsNotCrashes() {
        Json.ParseException bad = assertThrows(Json.ParseException.class, () -> Json.parse("{\"a\": }"));
        assertTrue(bad.getMessage().startsWith("invalid JSON"), bad.getMessage());
        assertThrows(Json.ParseException.class, () -> Json.parse("[1] 2"));
        String deep = "[".repeat(5000) + "]".repeat(5000);
        Json.ParseException tooDeep = assertThrows(Json.ParseException.class, () -> Json.parse(deep));
        assertTrue(tooDeep.getMessage().contains("depth"), tooDeep.getMessage());
    }
}
