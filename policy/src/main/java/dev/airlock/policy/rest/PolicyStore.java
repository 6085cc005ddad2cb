package dev.airlock.policy.rest;

import dev.airlock.policy.Decision;
import dev.airlock.policy.EmbeddedEngine;
import dev.airlock.policy.EvalOptions;
import dev.airlock.policy.PolicyEngine;
import dev.airlock.policy.builtins.BuiltinRegistry;
import dev.airlock.policy.value.Value;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The policy modules a server holds, by id, and the engine compiled from them. A change
 * compiles the whole new set first and swaps it in only if it compiled, so evaluations see
 * either the old policy or the new one, never a mix, and a bad module changes nothing. As a
 * {@link PolicyEngine} it always evaluates with the current policy; its revision changes with
 * every successful change.
 */
public final class PolicyStore implements PolicyEngine {
    /** Modules and the engine built from them, swapped together. */
    private record Snapshot(Map<String, String> modules, EmbeddedEngine engine) {}

    private final Value data;
    private final boolean v0;
    private final BuiltinRegistry builtins;
    private final EvalOptions options;
    private volatile Snapshot current;

    private PolicyStore(Value data, boolean v0, BuiltinRegistry builtins, EvalOptions options, Snapshot initial) {
        this.data = data;
        this.v0 = v0;
        this.builtins = builtins;
        this.options = options;
        this.current = initial;
    }

    /**
     * Compiles the initial modules; throws {@link dev.airlock.policy.ast.RegoException} with every
     * parse and compile error.
     *
     * @param v0 parse modules as Rego v0 (OPA before 1.0) instead of v1
     */
    public static PolicyStore load(Map<String, String> modules, Value data, boolean v0, BuiltinRegistry builtins,
            EvalOptions options) {
        Map<String, String> copy = Collections.unmodifiableMap(new TreeMap<>(modules));
        EmbeddedEngine engine = EmbeddedEngine.build(copy, data, v0, builtins, options);
        return new PolicyStore(data, v0, builtins, options, new Snapshot(copy, engine));
    }

    public static PolicyStore load(Map<String, String> modules, Value data) {
        return load(modules, data, false, BuiltinRegistry.standard(), EvalOptions.DEFAULT);
    }

    /** Adds or replaces a module; throws RegoException (and keeps the old policy) if the result does not compile. */
    public synchronized void put(String id, String text) {
        TreeMap<String, String> next = new TreeMap<>(current.modules());
        next.put(id, text);
        swap(next);
    }

    /**
     * Removes a module; false if there was none with that id. Throws RegoException (and keeps the
     * module) if the remaining modules do not compile without it.
     */
    public synchronized boolean delete(String id) {
        if (!current.modules().containsKey(id)) return false;
        TreeMap<String, String> next = new TreeMap<>(current.modules());
        next.remove(id);
        swap(next);
        return true;
    }

    private void swap(TreeMap<String, String> modules) {
        Map<String, String> frozen = Collections.unmodifiableMap(modules);
        current = new Snapshot(frozen, EmbeddedEngine.build(frozen, data, v0, builtins, options));
    }

    /** The modules by id, sorted; a snapshot that later changes do not affect. */
    public Map<String, String> modules() {
        return current.modules();
    }

    public EmbeddedEngine engine() {
        return current.engine();
    }

    public boolean v0() {
        return v0;
    }

    @Override
    public Decision evaluate(String path, Value input) {
        return current.engine().evaluate(path, input);
    }

    @Override
    public List<Map<String, Value>> query(String rego, Value input) {
        return current.engine().query(rego, input);
    }

    @Override
    public String revision() {
        return current.engine().revision();
    }
}
