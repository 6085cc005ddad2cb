package dev.airlock.policy.builtins;

import static dev.airlock.policy.builtins.BuiltinTesting.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.airlock.policy.value.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class BuiltinRegistryTest {
    @Test
    void everyBuiltinIsDeclaredCompletely() {
        for (Builtin b : BuiltinRegistry.standard().all()) {
            assertNotNull(b.signature(), b.name());
            assertNotNull(b.impl(), b.name());
            assertFalse(b.description().isBlank(), b.name());
        }
        assertTrue(BuiltinRegistry.standard().all().size() >= 160, "" + BuiltinRegistry.standard().all().size());
    }

    @Test
    void evaluatorOwnedNamesAreLeftToTheEvaluator() {
        for (String name : List.of("eq", "assign", "walk", "print", "internal.member_2", "internal.member_3",
                "rego.metadata.chain", "rego.metadata.rule", "opa.runtime", "internal.print")) {
            assertNull(BuiltinRegistry.standard().get(name), name);
        }
    }

    @Test
    void nondeterministicAndNetworkBuiltinsAreFlagged() {
        Set<String> nondeterministic = new TreeSet<>();
        Set<String> network = new TreeSet<>();
        for (Builtin b : BuiltinRegistry.standard().all()) {
            if (b.flags().contains(Builtin.Flag.NONDETERMINISTIC)) nondeterministic.add(b.name());
            if (b.flags().contains(Builtin.Flag.NETWORK)) network.add(b.name());
        }
        // The clock (now_ns; exp/nbf and certificate validity at the query time) and randomness
        // (rand, uuid, ECDSA and RSA-PSS signatures), as OPA marks them.
        assertEquals(Set.of("crypto.x509.parse_and_verify_certificates", "io.jwt.decode_verify", "io.jwt.encode_sign",
                "io.jwt.encode_sign_raw", "rand.intn", "time.now_ns", "uuid.rfc4122"), nondeterministic);
        assertEquals(Set.of("http.send", "net.lookup_ip_addr"), network);
        for (Builtin b : BuiltinRegistry.standard().all()) {
            boolean flagged = nondeterministic.contains(b.name()) || network.contains(b.name());
            assertEquals(!flagged, b.deterministic(), b.name());
        }
    }

    private static final List<Value> SAMPLES = List.of(json("null"), json("true"), json("0"), json("-1"), json("1.5"),
            json("\"\""), json("\"a.b/c\""), json("\"-----BEGIN X-----\""), json("[]"), json("[1,\"x\"]"), json("{}"), json("1e400"), json("-99999999999999999999999.5"),
            json("{\"a\":[1]}"), set("1", "\"x\""));
    private static final List<Value> FEW = List.of(json("null"), json("2"), json("99999999999999999999999"), json("\"a\""), json("[\"a\"]"), json("{\"a\":1}"), set("\"a\""));

    /** Bad input never escapes as anything but a BuiltinException (invariant 6). */
    @Test
    void arbitraryArgumentsOnlyEverRaiseBuiltinExceptions() {
        List<String> escaped = new ArrayList<>();
        for (Builtin b : BuiltinRegistry.standard().all()) {
            int arity = b.signature().args().size();
            List<Value> pool = arity <= 2 ? SAMPLES : FEW;
            int combos = (int) Math.pow(pool.size(), arity);
            for (int c = 0; c < combos; c++) {
                Value[] args = new Value[arity];
                int x = c;
                for (int i = 0; i < arity; i++) {
                    args[i] = pool.get(x % pool.size());
                    x /= pool.size();
                }
                try {
                    call(b.name(), args);
                } catch (BuiltinException e) {
                    // expected for bad input
                } catch (RuntimeException | StackOverflowError e) {
                    escaped.add(b.name() + java.util.Arrays.toString(args) + " -> " + e);
                }
            }
        }
        assertEquals(List.of(), escaped);
    }
}
