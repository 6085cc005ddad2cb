package dev.airlock.policy.builtins;

import static dev.airlock.policy.builtins.BuiltinTesting.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.policy.value.ArrayValue;
import dev.airlock.policy.value.Json;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.StringValue;
import dev.airlock.policy.value.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Runs the JWT cases of the conformance suite whose call is {@code io.jwt.NAME(literal args...)}:
 * string, raw-string and JSON-shaped object arguments are taken from the module text.
 */
class JwtBuiltinsTest {
    private static final List<String> TOPICS = List.of("jwtbuiltins", "jwtdecodeverify", "jwtencodesign", "jwtencodesignraw",
            "jwtencodesignheadererrors", "jwtencodesignpayloaderrors", "jwtverifyeddsa", "jwtverifyhs256", "jwtverifyhs384",
            "jwtverifyhs512", "jwtverifyrsa");
    private static final Pattern CALL = Pattern.compile("io\\.jwt\\.([a-z0-9_]+)\\(");

    @Test
    void suiteCases() throws Exception {
        Assumptions.assumeTrue(Conformance.present());
        int ran = 0;
        List<String> failures = new ArrayList<>();
        for (String topic : TOPICS) {
            for (ObjectValue c : Conformance.cases(topic)) {
                String module = Conformance.module(c);
                Matcher m = CALL.matcher(module);
                if (!m.find()) continue;
                List<Value> args = literalArgs(module, m.end());
                String name = "io.jwt." + m.group(1);
                int arity = BuiltinRegistry.standard().get(name).signature().args().size();
                if (args == null || args.size() < arity) continue;
                args = args.subList(0, arity);
                String note = ((StringValue) c.get("note")).value();
                BuiltinTesting.TestContext now = new BuiltinTesting.TestContext();
                now.time = System.currentTimeMillis() * 1_000_000L;
                ran++;
                try {
                    Value got = callWith(now, name, args.toArray(Value[]::new));
                    Value want = Conformance.wantX(c);
                    if (c.get("want_error") != null) failures.add(note + ": expected error, got " + got);
                    else if (want != null && !want.equals(got)) failures.add(note + ": " + got + " != " + want);
                } catch (BuiltinException e) {
                    Value want = c.get("want_error");
                    if (!(want instanceof StringValue w) || !e.getMessage().contains(w.value())) {
                        failures.add(note + ": unexpected error " + e.getMessage());
                    }
                }
            }
        }
        assertTrue(ran > 60, "ran " + ran);
        assertEquals(List.of(), failures);
    }

    /** Parses literal call arguments starting at i, or null when one is not a literal. */
    private static List<Value> literalArgs(String s, int i) {
        List<Value> out = new ArrayList<>();
        while (i < s.length()) {
            while (i < s.length() && (Character.isWhitespace(s.charAt(i)) || s.charAt(i) == ',')) i++;
            if (i >= s.length() || s.charAt(i) == ')') break;
            char c = s.charAt(i);
            try {
                if (c == '"') {
                    int j = i + 1;
                    while (s.charAt(j) != '"') j += s.charAt(j) == '\\' ? 2 : 1;
                    out.add(Json.parse(s.substring(i, j + 1)));
                    i = j + 1;
                } else if (c == '`') {
                    int j = s.indexOf('`', i + 1);
                    out.add(StringValue.of(s.substring(i + 1, j)));
                    i = j + 1;
                } else if (c == '{') {
                    int depth = 0;
                    int j = i;
                    boolean inString = false;
                    do {
                        char d = s.charAt(j);
                        if (inString) {
                            if (d == '\\') j++;
                            else if (d == '"') inString = false;
                        } else if (d == '"') {
                            inString = true;
                        } else if (d == '{') {
                            depth++;
                        } else if (d == '}') {
                            depth--;
                        }
                        j++;
                    } while (depth > 0);
                    String obj = s.substring(i, j);
                    if (obj.contains("{\"bob\", \"saul\"}")) {
                        obj = obj.replace("{\"bob\", \"saul\"}", "[\"bob\", \"saul\"]"); // a set literal; sets marshal as arrays
                    }
                    out.add(Json.parse(obj.replaceAll(",(\\s*})", "$1")));
                    i = j;
                } else {
                    return out; // an output variable or a non-literal: stop here
                }
            } catch (Json.ParseException | RuntimeException e) {
                return null;
            }
        }
        return out;
    }

    @Test
    void decodeErrors() {
        builtinError("encoded JWT had no period separators", "io.jwt.decode", "\"abc\"");
        builtinError("encoded JWT must have 3 sections, found 2", "io.jwt.decode", "\"a.b\"");
    }

    @Test
    void signThenVerifyRoundTrips() throws BuiltinException {
        Value key = json("{\"kty\":\"oct\",\"k\":\"c2VjcmV0\"}");
        Value token = call("io.jwt.encode_sign", json("{\"alg\":\"HS256\",\"typ\":\"JWT\"}"), json("{\"iss\":\"airlock\"}"), key);
        assertEquals(json("true"), call("io.jwt.verify_hs256", token, str("secret")));
        assertEquals(json("false"), call("io.jwt.verify_hs256", token, str("other")));
        ArrayValue dv = (ArrayValue) call("io.jwt.decode_verify", token, json("{\"secret\":\"secret\",\"iss\":\"airlock\"}"));
        assertEquals(json("true"), dv.get(0));
        ArrayValue wrongIss = (ArrayValue) call("io.jwt.decode_verify", token, json("{\"secret\":\"secret\",\"iss\":\"x\"}"));
        assertEquals(json("[false,{},{}]"), wrongIss);
    }
}
