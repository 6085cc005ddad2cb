package dev.airlock.policy.compile;

import java.util.Map;

/**
 * Builtins the evaluator implements itself because they need the evaluator (unification,
 * iteration, metadata, print) rather than values alone. Name to declared arity; -1 means
 * variadic.
 */
public final class Internals {
    private Internals() {}

    public static final Map<String, Integer> ARITY = Map.ofEntries(
            Map.entry("eq", 2),
            Map.entry("assign", 2),
            Map.entry("equal", 2),
            Map.entry("neq", 2),
            Map.entry("internal.member_2", 2),
            Map.entry("internal.member_3", 3),
            Map.entry("walk", 1),
            Map.entry("print", -1),
            Map.entry("internal.print", 1),
            Map.entry("trace", 1),
            Map.entry("rego.metadata.chain", 0),
            Map.entry("rego.metadata.rule", 0),
            Map.entry("opa.runtime", 0),
            Map.entry("rego.parse_module", 2));

    public static boolean has(String name) {
        return ARITY.containsKey(name);
    }
}
