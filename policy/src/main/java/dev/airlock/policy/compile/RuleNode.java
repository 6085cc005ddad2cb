package dev.airlock.policy.compile;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One node of the rule tree that mirrors {@code data}: rules whose ground head prefix ends
 * here, and children by key. The evaluator walks this tree alongside the base documents.
 */
public final class RuleNode {
    private final List<String> path;
    private final Map<String, RuleNode> children = new TreeMap<>();
    private final List<CompiledRule> rules = new ArrayList<>();
    private boolean hasRulesBelow;
    private boolean isPackage;
    private boolean dataOnly;
    private boolean deterministic;

    RuleNode(List<String> path) {
        this.path = List.copyOf(path);
    }

    /** Path below {@code data}, e.g. {@code ["airlock", "egress", "decision"]}. */
    public List<String> path() {
        return path;
    }

    public Map<String, RuleNode> children() {
        return Collections.unmodifiableMap(children);
    }

    public RuleNode child(String key) {
        return children.get(key);
    }

    public List<CompiledRule> rules() {
        return rules;
    }

    public boolean hasRules() {
        return !rules.isEmpty();
    }

    /** True when this node or any descendant defines rules. */
    public boolean hasRulesBelow() {
        return hasRulesBelow;
    }

    public boolean isFunction() {
        return !rules.isEmpty() && rules.getFirst().kind() == CompiledRule.Kind.FUNCTION;
    }

    RuleNode childOrCreate(String key) {
        return children.computeIfAbsent(key, k -> {
            List<String> p = new ArrayList<>(path);
            p.add(k);
            return new RuleNode(p);
        });
    }

    void add(CompiledRule r) {
        rules.add(r);
    }

    void replaceRules(List<CompiledRule> rs) {
        rules.clear();
        rules.addAll(rs);
    }

    /** True when a module declares this path as its package: the document exists (at least {}) even without rules. */
    public boolean isPackage() {
        return isPackage;
    }

    /**
     * True when this node's value (rules and everything below) depends only on {@code data}:
     * no {@code input}, no {@code with}, no printing builtins, {@linkplain #isDeterministic()
     * deterministic}, and only such rules and functions. Its value is the same in every query against the same
     * data, so an engine may keep it across queries.
     */
    public boolean isDataOnly() {
        return dataOnly;
    }

    void markDataOnly(boolean b) {
        dataOnly = b;
    }

    /**
     * True when this node's value (rules and everything below) is the same in every evaluation
     * with the same input and data: neither its rules nor any rule or function they reach can
     * call a non-deterministic builtin ({@link dev.airlock.policy.builtins.Builtin#deterministic()},
     * {@code opa.runtime}). Decisions read from such nodes may be cached.
     */
    public boolean isDeterministic() {
        return deterministic;
    }

    void markDeterministic(boolean b) {
        deterministic = b;
    }

    void markPackage() {
        isPackage = true;
    }

    boolean markRules() {
        boolean below = !rules.isEmpty() || isPackage;
        for (RuleNode c : children.values()) below |= c.markRules();
        hasRulesBelow = below;
        return below;
    }

    /** The node at the given path below this one, or null. */
    public RuleNode find(List<String> rel) {
        RuleNode n = this;
        for (String k : rel) {
            n = n.children.get(k);
            if (n == null) return null;
        }
        return n;
    }

    public String name() {
        return "data" + (path.isEmpty() ? "" : "." + String.join(".", path));
    }
}
