package dev.airlock.policy.builtins;

import static dev.airlock.policy.builtins.Operands.string;
import static dev.airlock.policy.types.Types.N;
import static dev.airlock.policy.types.Types.S;
import static dev.airlock.policy.types.Types.args;
import static dev.airlock.policy.types.Types.func;

import dev.airlock.policy.value.NumberValue;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import java.util.Locale;

/** Quantities with SI and binary suffixes: units.parse (k, Ki, m for milli...) and units.parse_bytes. */
public final class UnitsBuiltins {
    private UnitsBuiltins() {}

    private static final BigDecimal KI = BigDecimal.valueOf(1024);

    public static List<Builtin> declarations() {
        return List.of(
                Builtin.of("units.parse", func(args(S), N),
                        "Parses an amount with an SI (k, M, G... and m for milli) or binary (Ki, Mi...) suffix",
                        (ctx, a) -> {
                            Split s = split(string(a, 1), "amount");
                            String unit = s.unit();
                            // only the first letter is case-sensitive, to tell m (milli) from M (mega)
                            if (unit.length() > 1) unit = unit.charAt(0) + unit.substring(1).toLowerCase(Locale.ROOT);
                            BigDecimal factor = switch (unit) {
                                case "" -> BigDecimal.ONE;
                                case "m" -> new BigDecimal("0.001");
                                case "k", "K" -> BigDecimal.TEN.pow(3);
                                case "ki", "Ki" -> KI;
                                case "M" -> BigDecimal.TEN.pow(6);
                                case "mi", "Mi" -> KI.pow(2);
                                case "g", "G" -> BigDecimal.TEN.pow(9);
                                case "gi", "Gi" -> KI.pow(3);
                                case "t", "T" -> BigDecimal.TEN.pow(12);
                                case "ti", "Ti" -> KI.pow(4);
                                case "p", "P" -> BigDecimal.TEN.pow(15);
                                case "pi", "Pi" -> KI.pow(5);
                                case "e", "E" -> BigDecimal.TEN.pow(18);
                                case "ei", "Ei" -> KI.pow(6);
                                default -> throw BuiltinException.error("unknown unit " + Operands.quote(s.unit()));
                            };
                            return NumberValue.of(normalize(s.amount().multiply(factor)));
                        }),
                Builtin.of("units.parse_bytes", func(args(S), N),
                        "Parses a byte amount with a decimal (KB, MB...) or binary (KiB, MiB...) suffix, as an integer",
                        (ctx, a) -> {
                            Split s = split(string(a, 1), "byte amount");
                            BigDecimal factor = switch (s.unit().toLowerCase(Locale.ROOT)) {
                                case "", "b" -> BigDecimal.ONE;
                                case "k", "kb" -> BigDecimal.TEN.pow(3);
                                case "ki", "kib" -> KI;
                                case "m", "mb" -> BigDecimal.TEN.pow(6);
                                case "mi", "mib" -> KI.pow(2);
                                case "g", "gb" -> BigDecimal.TEN.pow(9);
                                case "gi", "gib" -> KI.pow(3);
                                case "t", "tb" -> BigDecimal.TEN.pow(12);
                                case "ti", "tib" -> KI.pow(4);
                                case "p", "pb" -> BigDecimal.TEN.pow(15);
                                case "pi", "pib" -> KI.pow(5);
                                case "e", "eb" -> BigDecimal.TEN.pow(18);
                                case "ei", "eib" -> KI.pow(6);
                                default -> throw BuiltinException.error("unknown unit " + Operands.quote(s.unit()));
                            };
                            return NumberValue.of(s.amount().multiply(factor).setScale(0, RoundingMode.DOWN));
                        }));
    }

    private record Split(BigDecimal amount, String unit) {}

    /** Splits "1.5e3Ki" into its number and unit, with OPA's error messages. */
    private static Split split(String raw, String what) throws BuiltinException {
        String s = raw.replace("\"", "");
        if (s.contains(" ")) throw BuiltinException.error("spaces not allowed in resource strings");
        int i = 0;
        if (what.equals("amount") && i < s.length() && (s.charAt(i) == '-' || s.charAt(i) == '+')) i++;
        while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) i++;
        // an exponent only when digits follow, so that "10e" stays ten exa
        if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            int j = i + 1;
            if (j < s.length() && (s.charAt(j) == '-' || s.charAt(j) == '+')) j++;
            int digits = j;
            while (j < s.length() && Character.isDigit(s.charAt(j))) j++;
            if (j > digits) i = j;
        }
        String number = s.substring(0, i);
        if (number.isEmpty() || number.equals("-") || number.equals("+")) throw BuiltinException.error("no " + what + " provided");
        try {
            return new Split(new BigDecimal(number), s.substring(i));
        } catch (NumberFormatException e) {
            throw BuiltinException.error("could not parse " + what + " to a number");
        }
    }

    private static BigDecimal normalize(BigDecimal d) {
        BigDecimal s = d.stripTrailingZeros();
        return s.scale() < 0 ? s.setScale(0) : s;
    }
}
