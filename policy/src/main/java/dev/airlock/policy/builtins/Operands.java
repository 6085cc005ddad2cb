package dev.airlock.policy.builtins;

import dev.airlock.policy.value.ArrayValue;
import dev.airlock.policy.value.NumberValue;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.SetValue;
import dev.airlock.policy.value.StringValue;
import dev.airlock.policy.value.Value;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Operand checks shared by the builtin families, with OPA's wording for type errors
 * ({@code operand 2 must be string but got number}). Positions are 1-based as in the messages;
 * the {@code args} index is {@code pos - 1}.
 */
final class Operands {
    private Operands() {}

    /** {@code operand N must be X but got Y}, or {@code must be one of {X, Y} ...} for several. */
    static BuiltinException typeError(int pos, Value got, String... expected) {
        String want = expected.length == 1 ? expected[0] : "one of {" + String.join(", ", expected) + "}";
        return BuiltinException.type("operand " + pos + " must be " + want + " but got " + got.typeName());
    }

    /** {@code operand N <message>} as an eval_type_error. */
    static BuiltinException operandError(int pos, String message) {
        return BuiltinException.type("operand " + pos + " " + message);
    }

    /** {@code operand N must be array of strings but got array containing number}. */
    static BuiltinException elementError(int pos, Value composite, Value got, String expected) {
        String kind = composite.typeName();
        return BuiltinException.type("operand " + pos + " must be " + kind + " of " + expected + "s but got "
                + kind + " containing " + got.typeName());
    }

    static Value arg(List<Value> args, int pos) {
        return args.get(pos - 1);
    }

    static String string(List<Value> args, int pos) throws BuiltinException {
        if (arg(args, pos) instanceof StringValue s) return s.value();
        throw typeError(pos, arg(args, pos), "string");
    }

    static NumberValue number(List<Value> args, int pos) throws BuiltinException {
        if (arg(args, pos) instanceof NumberValue n) return n;
        throw typeError(pos, arg(args, pos), "number");
    }

    /** An integer operand; floats get OPA's "must be integer number but got floating-point number". */
    static BigInteger integer(List<Value> args, int pos) throws BuiltinException {
        NumberValue n = number(args, pos);
        BigInteger i = n.toBigIntegerExact();
        if (i == null) {
            throw BuiltinException.type("operand " + pos + " must be integer number but got floating-point number");
        }
        return i;
    }

    /** An integer operand that must fit an int (sizes, counts, offsets). */
    static int intValue(List<Value> args, int pos) throws BuiltinException {
        BigInteger i = integer(args, pos);
        if (i.bitLength() > 31) throw BuiltinException.error("operand " + pos + " is out of range: " + i);
        return i.intValue();
    }

    static boolean bool(List<Value> args, int pos) throws BuiltinException {
        if (arg(args, pos) instanceof dev.airlock.policy.value.BoolValue b) return b.value();
        throw typeError(pos, arg(args, pos), "boolean");
    }

    static ArrayValue array(List<Value> args, int pos) throws BuiltinException {
        if (arg(args, pos) instanceof ArrayValue a) return a;
        throw typeError(pos, arg(args, pos), "array");
    }

    static SetValue set(List<Value> args, int pos) throws BuiltinException {
        if (arg(args, pos) instanceof SetValue s) return s;
        throw typeError(pos, arg(args, pos), "set");
    }

    static ObjectValue object(List<Value> args, int pos) throws BuiltinException {
        if (arg(args, pos) instanceof ObjectValue o) return o;
        throw typeError(pos, arg(args, pos), "object");
    }

    /** Elements of an array or set operand (the "one of {array, set}" shape). */
    static Collection<Value> arrayOrSet(List<Value> args, int pos) throws BuiltinException {
        return switch (arg(args, pos)) {
            case ArrayValue a -> a.elements();
            case SetValue s -> s.elements();
            default -> throw typeError(pos, arg(args, pos), "set", "array");
        };
    }

    /** Strings of an array or set of strings. */
    static List<String> stringsOf(List<Value> args, int pos) throws BuiltinException {
        List<String> out = new ArrayList<>();
        for (Value v : arrayOrSet(args, pos)) {
            if (!(v instanceof StringValue s)) throw elementError(pos, arg(args, pos), v, "string");
            out.add(s.value());
        }
        return out;
    }

    static StringValue str(String s) {
        return StringValue.of(s);
    }

    static NumberValue num(long n) {
        return NumberValue.of(n);
    }

    static NumberValue num(BigInteger n) {
        return NumberValue.of(n);
    }

    /** The number of Unicode code points (Go's rune count) in s. */
    static int runeCount(String s) {
        return s.codePointCount(0, s.length());
    }

    /** A string quoted as Go's {@code %q} does for printable text. */
    static String quote(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) sb.append(String.format("\\x%02x", (int) c));
                    else sb.append(c);
                }
            }
        }
        return sb.append('"').toString();
    }
}
