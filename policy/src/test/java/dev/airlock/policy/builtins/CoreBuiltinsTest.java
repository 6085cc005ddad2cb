package dev.airlock.policy.builtins;

import static dev.airlock.policy.builtins.BuiltinTesting.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.airlock.policy.value.NumberValue;
import org.junit.jupiter.api.Test;

/** Comparison, arithmetic, aggregates, arrays, sets, types and casts. */
class CoreBuiltinsTest {
    @Test
    void comparisonUsesTheTotalOrder() {
        expect("true", "equal", "1", "1.0");
        expect("true", "equal", "{\"x\":[1,2,{\"b\":3.0}]}", "{\"x\":[1,2,{\"b\":3}]}");
        expect("false", "neq", "[1]", "[1.0]");
        expect("true", "lt", "null", "false");
        expect("true", "lt", "\"a\"", "[]");
        expect("true", "gte", "28857836529306024611913", "28857836529306024611912");
        expect("false", "gt", "1", "2");
    }

    @Test
    void integerArithmeticIsExact() {
        expect("49649733058", "plus", "49649733057", "1");
        expect("-1", "minus", "1", "2");
        expect("18446744073709551614", "mul", "9223372036854775807", "2");
        expect("3", "rem", "7", "4");
        expect("-3", "rem", "-7", "4");
        expect("2", "div", "6", "3");
    }

    @Test
    void nonIntegerArithmeticFollowsBigFloat() {
        expect("0.5", "div", "1", "2");
        assertEquals("0.33333333333333333334", ((NumberValue) callUnchecked("div", "1", "3")).toString());
        expect("1.5", "plus", "1", "0.5");
        expect("0.3", "plus", "0.1", "0.2");
        expect("0", "div", "0", "5");
        // extreme exponents stay fast
        assertEquals(json("1.5e-100000"), callUnchecked("mul", "1e-100000", "1.5"));
    }

    private static Object callUnchecked(String name, String... args) {
        try {
            return callJ(name, args);
        } catch (BuiltinException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void arithmeticErrors() {
        builtinError("divide by zero", "div", "1", "0");
        builtinError("divide by zero", "div", "1.5", "0.0");
        builtinError("modulo by zero", "rem", "7", "0");
        builtinError("modulo on floating-point number", "rem", "1.1", "1");
        typeError("operand 2 must be number but got string", "plus", "1", "\"a\"");
        error(BuiltinException.Kind.TYPE, "operand 2 must be set but got number", "minus", set("1"), json("1"));
        error(BuiltinException.Kind.TYPE, "operand 2 must be number but got set", "minus", json("1"), set("1"));
        typeError("operand 1 must be one of {number, set} but got string", "minus", "\"a\"", "1");
    }

    @Test
    void setDifference() {
        expectV(set("1"), "minus", set("1", "2"), set("2", "3"));
    }

    @Test
    void rounding() {
        expect("10", "abs", "-10");
        expect("1.5", "abs", "-1.5");
        expect("2", "round", "1.5");
        expect("-2", "round", "-1.5");
        expect("2", "ceil", "1.01");
        expect("-1", "ceil", "-1.99999");
        expect("2223", "ceil", "2222.2222222222");
        expect("99", "floor", "99.99999");
        expect("-2", "floor", "-1.001");
    }

    @Test
    void ranges() {
        expect("[-2,-1,0,1,2,3]", "numbers.range", "-2", "3");
        expect("[2,1,0,-1,-2,-3]", "numbers.range", "2", "-3");
        expect("[0]", "numbers.range", "0", "0");
        expect("[49649733057,49649733058,49649733059,49649733060]", "numbers.range", "49649733057", "49649733060");
        typeError("operand 1 must be integer number but got floating-point number", "numbers.range", "3.14", "4");
        expect("[0,-2,-4,-6,-8,-10]", "numbers.range_step", "0", "-10", "2");
        expect("[10,8,6,4]", "numbers.range_step", "10", "3", "2");
        expect("[0]", "numbers.range_step", "0", "10", "99999999999999999999");
        builtinError("step must be a positive integer", "numbers.range_step", "0", "10", "-2");
        builtinError("exceeds the limit", "numbers.range", "0", "100000000000");
    }

    @Test
    void bits() {
        expect("8", "bits.lsh", "1", "3");
        expect("18446744073709551614", "bits.lsh", "9223372036854775807", "1");
        expect("1", "bits.rsh", "8", "3");
        expect("-1", "bits.rsh", "-2", "1");
        expect("-43", "bits.negate", "42");
        expect("2", "bits.and", "10", "6");
        expect("14", "bits.or", "10", "6");
        expect("12", "bits.xor", "10", "6");
        typeError("operand 1 must be integer number but got floating-point number", "bits.and", "7.2", "1");
        typeError("operand 2 must be an unsigned integer number but got a negative integer", "bits.lsh", "7", "-1");
    }

    @Test
    void aggregates() {
        expect("4", "count", "[1,2,3,4]");
        expect("2", "count", "{\"a\":1,\"b\":2}");
        expect("3", "count", "\"åäö\"");
        expectV(NumberValue.of(2), "count", set("1", "2"));
        typeError("operand 1 must be one of {array, object, set, string} but got null", "count", "null");
        expect("10", "sum", "[1,2,3,4]");
        expectV(NumberValue.of(24), "product", set("1", "2", "3", "4"));
        expect("49649733058", "sum", "[49649733057, 1]");
        expect("4", "max", "[1,2,3,4]");
        expect("-7", "min", "[3,2,1,4,6,-7,10]");
        undefined("max", "[]");
        expect("[1,2,3,4]", "sort", "[4,3,2,1]");
        expect("[null,false,1,\"a\",[],{}]", "sort", "[{},[],\"a\",1,false,null]");
        typeError("operand 1 must be array of numbers but got array containing string", "sum", "[1,\"a\"]");
    }

    @Test
    void arrays() {
        expect("[1,2,3,4]", "array.concat", "[1,2]", "[3,4]");
        typeError("operand 2 must be array but got object", "array.concat", "[1]", "{}");
        expect("[2,3]", "array.slice", "[1,2,3,4,5]", "1", "3");
        expect("[1,2]", "array.slice", "[1,2,3,4,5]", "-1", "2");
        expect("[4,5]", "array.slice", "[1,2,3,4,5]", "3", "6");
        expect("[]", "array.slice", "[1,2,3,4,5]", "4", "1");
        expect("[]", "array.slice", "[1,2,3]", "1000", "2000");
        expect("[3,2,1]", "array.reverse", "[1,2,3]");
        expect("[1,2,\"string\",3,{\"a\":\"b\"},4.5,6,[7,8]]", "array.flatten",
                "[[1,2],\"string\",[3,{\"a\":\"b\"}],4.5,[6,[7,8]]]");
        typeError("operand 1 must be array but got number", "array.flatten", "42");
    }

    @Test
    void sets() {
        expectV(set("2"), "and", set("1", "2"), set("2", "3"));
        expectV(set("1", "2", "3"), "or", set("1", "2"), set("2", "3"));
        expectV(set("2"), "intersection", dev.airlock.policy.value.SetValue.of(set("1", "2"), set("2", "3")));
        expectV(set("1", "2", "3"), "union", dev.airlock.policy.value.SetValue.of(set("1", "2"), set("2", "3")));
        expectV(set(), "intersection", set());
    }

    @Test
    void typesAndCasts() {
        expect("true", "is_number", "-42.0");
        expect("false", "is_number", "null");
        expect("false", "is_string", "1");
        expectV(dev.airlock.policy.value.BoolValue.TRUE, "is_set", set("1"));
        expect("\"boolean\"", "type_name", "true");
        expectV(str("set"), "type_name", set());
        expect("-42", "to_number", "\"-42.0\"");
        expect("1", "to_number", "true");
        expect("0", "to_number", "null");
        expect("100.1", "to_number", "100.1");
        builtinError("invalid syntax", "to_number", "\"broken\"");
        typeError("", "to_number", "\"-Infinity\"");
        typeError("", "to_number", "\"iNf\"");
    }
}
