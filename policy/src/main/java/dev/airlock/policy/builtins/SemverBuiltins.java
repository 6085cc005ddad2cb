package dev.airlock.policy.builtins;

import static dev.airlock.policy.builtins.Operands.string;
import static dev.airlock.policy.types.Types.A;
import static dev.airlock.policy.types.Types.B;
import static dev.airlock.policy.types.Types.N;
import static dev.airlock.policy.types.Types.S;
import static dev.airlock.policy.types.Types.args;
import static dev.airlock.policy.types.Types.func;

import dev.airlock.policy.value.BoolValue;
import dev.airlock.policy.value.NumberValue;
import dev.airlock.policy.value.StringValue;
import java.math.BigInteger;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Semantic Versioning 2.0.0: semver.is_valid and semver.compare (precedence rules of the spec). */
public final class SemverBuiltins {
    private SemverBuiltins() {}

    // The regular expression suggested by semver.org (bounded input: no catastrophic backtracking).
    private static final Pattern SEMVER = Pattern.compile(
            "^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)"
                    + "(?:-((?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\\.(?:0|[1-9]\\d*|\\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
                    + "(?:\\+([0-9a-zA-Z-]+(?:\\.[0-9a-zA-Z-]+)*))?$");

    public static List<Builtin> declarations() {
        return List.of(
                Builtin.of("semver.is_valid", func(args(A), B), "Whether the value is a valid SemVer string",
                        (ctx, a) -> BoolValue.of(a.get(0) instanceof StringValue s && parse(s.value()) != null)),
                Builtin.of("semver.compare", func(args(S, S), N), "-1, 0 or 1 as version a is lower, equal or higher than b",
                        (ctx, a) -> {
                            Matcher x = parse(string(a, 1));
                            if (x == null) throw invalid(1, string(a, 1));
                            Matcher y = parse(string(a, 2));
                            if (y == null) throw invalid(2, string(a, 2));
                            return NumberValue.of(compare(x, y));
                        }));
    }

    private static BuiltinException invalid(int pos, String v) {
        return BuiltinException.error("operand " + pos + ": string " + Operands.quote(v) + " is not a valid SemVer");
    }

    private static Matcher parse(String v) {
        if (v.length() > 1024) return null;
        Matcher m = SEMVER.matcher(v);
        return m.matches() ? m : null;
    }

    private static int compare(Matcher x, Matcher y) {
        for (int g = 1; g <= 3; g++) {
            int c = new BigInteger(x.group(g)).compareTo(new BigInteger(y.group(g)));
            if (c != 0) return Integer.signum(c);
        }
        String px = x.group(4);
        String py = y.group(4);
        if (px == null || py == null) return px == null ? (py == null ? 0 : 1) : -1;
        String[] ix = px.split("\\.");
        String[] iy = py.split("\\.");
        for (int i = 0; i < Math.min(ix.length, iy.length); i++) {
            boolean nx = ix[i].chars().allMatch(Character::isDigit);
            boolean ny = iy[i].chars().allMatch(Character::isDigit);
            int c;
            if (nx && ny) c = new BigInteger(ix[i]).compareTo(new BigInteger(iy[i]));
            else if (nx != ny) c = nx ? -1 : 1;
            else c = ix[i].compareTo(iy[i]);
            if (c != 0) return Integer.signum(c);
        }
        return Integer.compare(ix.length, iy.length);
    }
}
