package dev.airlock.policy.builtins;

import static dev.airlock.policy.builtins.Operands.integer;
import static dev.airlock.policy.builtins.Operands.number;
import static dev.airlock.policy.types.Types.A;
import static dev.airlock.policy.types.Types.N;
import static dev.airlock.policy.types.Types.anyOf;
import static dev.airlock.policy.types.Types.args;
import static dev.airlock.policy.types.Types.arrayOf;
import static dev.airlock.policy.types.Types.func;
import static dev.airlock.policy.types.Types.setOf;

import dev.airlock.policy.types.Type;
import dev.airlock.policy.value.ArrayValue;
import dev.airlock.policy.value.NumberValue;
import dev.airlock.policy.value.SetValue;
import dev.airlock.policy.value.Value;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Numbers: the arithmetic operators, rounding, {@code numbers.range*} and {@code bits.*}.
 *
 * <p>As in OPA, integer operands are computed exactly (any size); anything else goes through a
 * binary float with a 64-bit mantissa ({@link BigFloat}), so {@code 1 / 3} has OPA's digits.
 */
public final class ArithmeticBuiltins {
    private ArithmeticBuiltins() {}

    /** Largest array {@code numbers.range} builds; bigger requests are errors, not an OOM. */
    public static final int MAX_RANGE = 10_000_000;

    private static final Type NUM_OR_SET = anyOf(N, setOf(A));

    public static List<Builtin> declarations() {
        return List.of(
                Builtin.of("plus", func(args(N, N), N), "x + y: the sum of x and y",
                        (ctx, a) -> plus(number(a, 1), number(a, 2))),
                Builtin.of("minus", func(args(NUM_OR_SET, NUM_OR_SET), NUM_OR_SET),
                        "x - y: the difference of numbers x and y, or the set difference of sets x and y",
                        (ctx, a) -> minus(a)),
                Builtin.of("mul", func(args(N, N), N), "x * y: the product of x and y",
                        (ctx, a) -> mul(number(a, 1), number(a, 2))),
                Builtin.of("div", func(args(N, N), N), "x / y: the quotient of x and y",
                        (ctx, a) -> div(number(a, 1), number(a, 2))),
                Builtin.of("rem", func(args(N, N), N), "x % y: the remainder of the integer division of x by y",
                        (ctx, a) -> rem(number(a, 1), number(a, 2))),
                Builtin.of("abs", func(args(N), N), "The absolute value of x",
                        (ctx, a) -> unary(number(a, 1), BigDecimal::abs)),
                Builtin.of("round", func(args(N), N), "x rounded to the nearest integer, halves away from zero",
                        (ctx, a) -> unary(number(a, 1), x -> x.setScale(0, RoundingMode.HALF_UP))),
                Builtin.of("ceil", func(args(N), N), "x rounded up to the nearest integer",
                        (ctx, a) -> unary(number(a, 1), x -> x.setScale(0, RoundingMode.CEILING))),
                Builtin.of("floor", func(args(N), N), "x rounded down to the nearest integer",
                        (ctx, a) -> unary(number(a, 1), x -> x.setScale(0, RoundingMode.FLOOR))),
                Builtin.of("numbers.range", func(args(N, N), arrayOf(N)),
                        "The integers from a to b inclusive, ascending or descending",
                        (ctx, a) -> range(integer(a, 1), integer(a, 2), BigInteger.ONE)),
                Builtin.of("numbers.range_step", func(args(N, N, N), arrayOf(N)),
                        "The integers from a to b inclusive, stepping by a positive step",
                        (ctx, a) -> {
                            BigInteger step = integer(a, 3);
                            if (step.signum() <= 0) throw BuiltinException.error("step must be a positive integer");
                            return range(integer(a, 1), integer(a, 2), step);
                        }),
                bits("bits.and", "Bitwise AND of two integers", BigInteger::and),
                bits("bits.or", "Bitwise OR of two integers", BigInteger::or),
                bits("bits.xor", "Bitwise XOR of two integers", BigInteger::xor),
                Builtin.of("bits.negate", func(args(N), N), "Bitwise negation (flip) of an integer",
                        (ctx, a) -> NumberValue.of(integer(a, 1).not())),
                Builtin.of("bits.lsh", func(args(N, N), N), "x shifted left by s bits",
                        (ctx, a) -> NumberValue.of(integer(a, 1).shiftLeft(shift(a)))),
                Builtin.of("bits.rsh", func(args(N, N), N), "x shifted right by s bits",
                        (ctx, a) -> NumberValue.of(integer(a, 1).shiftRight(shift(a)))));
    }

    private interface BigIntOp {
        BigInteger apply(BigInteger x, BigInteger y);
    }

    private static Builtin bits(String name, String description, BigIntOp op) {
        return Builtin.of(name, func(args(N, N), N), description,
                (ctx, a) -> NumberValue.of(op.apply(integer(a, 1), integer(a, 2))));
    }

    private static int shift(List<Value> a) throws BuiltinException {
        BigInteger s = integer(a, 2);
        if (s.signum() < 0) {
            throw BuiltinException.type("operand 2 must be an unsigned integer number but got a negative integer");
        }
        if (s.bitLength() > 20) throw BuiltinException.error("shift count too large: " + s);
        return s.intValue();
    }

    static NumberValue plus(NumberValue x, NumberValue y) {
        if (x.isInteger() && y.isInteger()) return NumberValue.of(x.value().add(y.value()).setScale(0));
        return NumberValue.of(BigFloat.add(x.value(), y.value()));
    }

    static NumberValue mul(NumberValue x, NumberValue y) {
        if (x.isInteger() && y.isInteger()) return NumberValue.of(x.value().multiply(y.value()).setScale(0));
        return NumberValue.of(BigFloat.multiply(x.value(), y.value()));
    }

    private static Value minus(List<Value> a) throws BuiltinException {
        Value x = a.get(0);
        Value y = a.get(1);
        if (x instanceof NumberValue nx && y instanceof NumberValue ny) {
            if (nx.isInteger() && ny.isInteger()) return NumberValue.of(nx.value().subtract(ny.value()).setScale(0));
            return NumberValue.of(BigFloat.subtract(nx.value(), ny.value()));
        }
        if (x instanceof SetValue sx && y instanceof SetValue sy) {
            TreeSet<Value> out = new TreeSet<>(sx.elements());
            out.removeAll(sy.elements());
            return SetValue.wrap(out);
        }
        if (!(x instanceof NumberValue) && !(x instanceof SetValue)) throw Operands.typeError(1, x, "number", "set");
        throw Operands.typeError(2, y, x instanceof NumberValue ? "number" : "set");
    }

    static NumberValue div(NumberValue x, NumberValue y) throws BuiltinException {
        if (y.value().signum() == 0) throw BuiltinException.error("divide by zero");
        if (x.isInteger() && y.isInteger() && x.value().signum() != 0) {
            BigInteger[] qr = x.value().toBigIntegerExact().divideAndRemainder(y.value().toBigIntegerExact());
            if (qr[1].signum() == 0) return NumberValue.of(qr[0]);
        }
        return NumberValue.of(BigFloat.divide(x.value(), y.value()));
    }

    private static NumberValue rem(NumberValue x, NumberValue y) throws BuiltinException {
        BigInteger a = x.toBigIntegerExact();
        BigInteger b = y.toBigIntegerExact();
        if (a == null || b == null) throw BuiltinException.error("modulo on floating-point number");
        if (b.signum() == 0) throw BuiltinException.error("modulo by zero");
        return NumberValue.of(a.remainder(b)); // sign of the dividend, as Go's %
    }

    private interface DecimalOp {
        BigDecimal apply(BigDecimal x);
    }

    private static NumberValue unary(NumberValue x, DecimalOp op) {
        if (x.isInteger()) return NumberValue.of(op.apply(x.value().setScale(0, RoundingMode.UNNECESSARY)));
        // Non-integers go through the 64-bit float, as OPA's big.Float path does.
        return NumberValue.of(BigFloat.shortest(op.apply(BigFloat.round(x.value()))));
    }

    private static ArrayValue range(BigInteger from, BigInteger to, BigInteger step) throws BuiltinException {
        BigInteger span = to.subtract(from).abs().divide(step);
        if (span.compareTo(BigInteger.valueOf(MAX_RANGE)) >= 0) {
            throw BuiltinException.error("range of " + span.add(BigInteger.ONE) + " numbers exceeds the limit of " + MAX_RANGE);
        }
        int n = span.intValue() + 1;
        BigInteger delta = from.compareTo(to) <= 0 ? step : step.negate();
        List<Value> out = new ArrayList<>(n);
        BigInteger v = from;
        for (int i = 0; i < n; i++) {
            out.add(NumberValue.of(v));
            v = v.add(delta);
        }
        return new ArrayValue(out);
    }
}
