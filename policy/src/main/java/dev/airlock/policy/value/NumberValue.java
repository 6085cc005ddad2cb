package dev.airlock.policy.value;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * A Rego number. OPA keeps JSON numbers with arbitrary precision, so this wraps a
 * {@link BigDecimal}. Equality is numeric ({@code 1 == 1.0}); the canonical text drops
 * trailing zeros of the fraction.
 */
public record NumberValue(BigDecimal value) implements Value {
    public static final NumberValue ZERO = new NumberValue(BigDecimal.ZERO);
    public static final NumberValue ONE = new NumberValue(BigDecimal.ONE);

    public NumberValue {
        if (value == null) throw new NullPointerException("value");
    }

    public static NumberValue of(long n) {
        return new NumberValue(BigDecimal.valueOf(n));
    }

    public static NumberValue of(BigInteger n) {
        return new NumberValue(new BigDecimal(n));
    }

    public static NumberValue of(BigDecimal n) {
        return new NumberValue(n);
    }

    /** From a finite double; callers must reject NaN and infinities (Rego has neither). */
    public static NumberValue of(double d) {
        if (Double.isNaN(d) || Double.isInfinite(d)) {
            throw new ArithmeticException("not a finite number: " + d);
        }
        return new NumberValue(new BigDecimal(Double.toString(d)));
    }

    /** Parses JSON/Rego number text such as {@code -12}, {@code 1.5e3}. */
    public static NumberValue parse(String text) {
        return new NumberValue(new BigDecimal(text));
    }

    /** True when the value has no fractional part. */
    public boolean isInteger() {
        return value.signum() == 0 || value.scale() <= 0 || value.stripTrailingZeros().scale() <= 0;
    }

    /** The exact integer value, or null when the number has a fractional part. */
    public BigInteger toBigIntegerExact() {
        return isInteger() ? value.toBigIntegerExact() : null;
    }

    /** The value as an int when it is an integer in int range; otherwise null. */
    public Integer toIntExact() {
        if (!isInteger()) return null;
        try {
            return value.intValueExact();
        } catch (ArithmeticException e) {
            return null;
        }
    }

    /** The value as a long when it is an integer in long range; otherwise null. */
    public Long toLongExact() {
        if (!isInteger()) return null;
        try {
            return value.longValueExact();
        } catch (ArithmeticException e) {
            return null;
        }
    }

    public double toDouble() {
        return value.doubleValue();
    }

    @Override
    public int kindRank() {
        return 2;
    }

    @Override
    public String typeName() {
        return "number";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NumberValue n && value.compareTo(n.value) == 0;
    }

    @Override
    public int hashCode() {
        // Numerically equal numbers (1, 1.0) have the same double, so this agrees with equals
        // without the allocation of stripTrailingZeros.
        return Double.hashCode(value.doubleValue() + 0.0);
    }

    /** Canonical text: integers without exponent or fraction, others in plain notation when short. */
    @Override
    public String toString() {
        return Values.formatNumber(value);
    }
}
