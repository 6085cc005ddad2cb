package dev.airlock.policy.topdown;

import dev.airlock.policy.value.Value;
import java.util.HashMap;

/**
 * Variable bindings of one rule body (or query). Variables are bound only to ground values;
 * backtracking removes a binding after the continuation that needed it returns.
 */
final class Frame {
    private final HashMap<String, Value> vars = new HashMap<>(16);

    Value get(String name) {
        return vars.get(name);
    }

    void bind(String name, Value v) {
        vars.put(name, v);
    }

    void unbind(String name) {
        vars.remove(name);
    }
}
