package dev.airlock.policy.builtins;

import static dev.airlock.policy.types.Types.B;
import static dev.airlock.policy.types.Types.N;
import static dev.airlock.policy.types.Types.NULL;
import static dev.airlock.policy.types.Types.S;
import static dev.airlock.policy.types.Types.anyOf;
import static dev.airlock.policy.types.Types.args;
import static dev.airlock.policy.types.Types.func;

import dev.airlock.policy.value.BoolValue;
import dev.airlock.policy.value.NullValue;
import dev.airlock.policy.value.NumberValue;
import dev.airlock.policy.value.StringValue;
import dev.airlock.policy.value.Value;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Conversions: to_number. (OPA v1 dropped the deprecated cast_* builtins.) */
public final class CastBuiltins {
    private CastBuiltins() {}

    private static final Set<String> NON_FINITE = Set.of("nan", "-nan", "+nan", "inf", "-inf", "+inf",
            "infinity", "-infinity", "+infinity");
    private static final BigDecimal MAX_DOUBLE = new BigDecimal(Double.MAX_VALUE);

    public static List<Builtin> declarations() {
        return List.of(Builtin.of("to_number", func(args(anyOf(NULL, B, N, S)), N),
                "x as a number: null is 0, false 0, true 1, strings are parsed",
                (ctx, a) -> toNumber(a.get(0))));
    }

    static NumberValue toNumber(Value v) throws BuiltinException {
        return switch (v) {
            case NullValue n -> NumberValue.ZERO;
            case BoolValue b -> b.value() ? NumberValue.ONE : NumberValue.ZERO;
            case NumberValue n -> n;
            case StringValue s -> parse(s.value());
            default -> throw Operands.typeError(1, v, "null", "boolean", "number", "string");
        };
    }

    /** Parses as Go's strconv.ParseFloat validates, keeping the exact decimal. */
    static NumberValue parse(String s) throws BuiltinException {
        if (NON_FINITE.contains(s.toLowerCase(Locale.ROOT))) {
            throw BuiltinException.type("operand 1 must be a finite number but got " + Operands.quote(s));
        }
        BigDecimal d;
        try {
            if (s.isEmpty() || !s.matches("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?")) throw new NumberFormatException();
            d = new BigDecimal(s);
        } catch (NumberFormatException | ArithmeticException e) {
            throw BuiltinException.error("strconv.ParseFloat: parsing " + Operands.quote(s) + ": invalid syntax");
        }
        if (d.abs().compareTo(MAX_DOUBLE) > 0) {
            throw BuiltinException.error("strconv.ParseFloat: parsing " + Operands.quote(s) + ": value out of range");
        }
        return NumberValue.of(d);
    }
}
