package dev.airlock.policy.builtins;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * OPA computes with non-integer numbers through Go's {@code big.Float} at its default precision
 * (a 64-bit mantissa, rounding to nearest even) and prints results as the shortest decimal that
 * reads back to the same binary value. This class reproduces that rounding on {@link BigDecimal}
 * so results such as {@code 1 / 3} match OPA digit for digit.
 */
final class BigFloat {
    static final int MANTISSA_BITS = 64;
    /** Binary exponents beyond this are left unrounded (float64 itself stops at 1024). */
    static final int MAX_EXPONENT_BITS = 4096;
    private static final MathContext QUOTIENT = new MathContext(60, RoundingMode.HALF_EVEN);

    private BigFloat() {}

    /** x rounded to the nearest value with a 64-bit binary mantissa (exact as a BigDecimal). */
    static BigDecimal round(BigDecimal x) {
        if (x.signum() == 0) return BigDecimal.ZERO;
        BigDecimal abs = x.abs();
        // Estimate the binary exponent e so that abs / 2^e has MANTISSA_BITS integer bits.
        long bits = estimateBits(abs);
        // Beyond float64's range the rounding position is irrelevant for policies, and exact
        // scaling by 2^e would cost time proportional to |e|: keep the decimal as it is.
        if (Math.abs(bits) > MAX_EXPONENT_BITS) return x;
        int e = (int) (bits - MANTISSA_BITS);
        BigInteger m = scaleByPow2(abs, -e).setScale(0, RoundingMode.HALF_EVEN).toBigIntegerExact();
        while (m.bitLength() > MANTISSA_BITS) {
            e++;
            m = scaleByPow2(abs, -e).setScale(0, RoundingMode.HALF_EVEN).toBigIntegerExact();
        }
        while (m.bitLength() < MANTISSA_BITS) {
            e--;
            m = scaleByPow2(abs, -e).setScale(0, RoundingMode.HALF_EVEN).toBigIntegerExact();
        }
        BigDecimal r = scaleByPow2(new BigDecimal(m), e);
        return x.signum() < 0 ? r.negate() : r;
    }

    /** The shortest decimal that rounds back to the same 64-bit-mantissa value as x. */
    static BigDecimal shortest(BigDecimal x) {
        BigDecimal exact = round(x);
        if (exact.signum() == 0) return BigDecimal.ZERO;
        for (int digits = 1; digits < 40; digits++) {
            BigDecimal candidate = exact.round(new MathContext(digits, RoundingMode.HALF_EVEN));
            if (round(candidate).compareTo(exact) == 0) return candidate.stripTrailingZeros();
        }
        return exact.stripTrailingZeros();
    }

    /** The quotient as big.Float computes it: both operands rounded, then the quotient rounded. */
    static BigDecimal divide(BigDecimal a, BigDecimal b) {
        return shortest(round(a).divide(round(b), QUOTIENT));
    }

    static BigDecimal add(BigDecimal a, BigDecimal b) {
        return shortest(round(a).add(round(b)));
    }

    static BigDecimal subtract(BigDecimal a, BigDecimal b) {
        return shortest(round(a).subtract(round(b)));
    }

    static BigDecimal multiply(BigDecimal a, BigDecimal b) {
        return shortest(round(a).multiply(round(b)));
    }

    private static long estimateBits(BigDecimal abs) {
        // bits of the integer part, or a negative estimate for fractions
        BigInteger unscaled = abs.unscaledValue();
        double log2 = unscaled.bitLength() - abs.scale() * (Math.log(10) / Math.log(2));
        return (long) Math.floor(log2) + 1;
    }

    private static BigDecimal scaleByPow2(BigDecimal v, int e) {
        if (e == 0) return v;
        if (e > 0) return v.multiply(new BigDecimal(BigInteger.ONE.shiftLeft(e)));
        // dividing by 2^k is exact in decimal: multiply by 5^k and shift the scale by k
        int k = -e;
        return v.multiply(new BigDecimal(BigInteger.valueOf(5).pow(k))).scaleByPowerOfTen(-k);
    }
}
