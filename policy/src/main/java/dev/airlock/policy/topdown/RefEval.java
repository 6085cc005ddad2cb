package dev.airlock.policy.topdown;

import dev.airlock.policy.ast.Location;
import dev.airlock.policy.ast.RegoError;
import dev.airlock.policy.ast.Rule;
import dev.airlock.policy.ast.Term;
import dev.airlock.policy.compile.CompiledRule;
import dev.airlock.policy.compile.RuleNode;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.SetValue;
import dev.airlock.policy.value.StringValue;
import dev.airlock.policy.value.Value;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * References: walking {@code data} (rule tree merged with base documents and {@code with}
 * overrides), {@code input} and local values, and computing the values of virtual documents
 * (rules) on demand, cached per query.
 */
final class RefEval {
    private final Evaluator ev;

    RefEval(Evaluator ev) {
        this.ev = ev;
    }

    boolean evalRef(Term.Ref r, Frame f, Evaluator.VCont k) {
        Term head = r.head();
        if (head instanceof Term.Var v) {
            String name = v.name(); // interned
            if (name == "data") return walkData(ev.policy.root(), ev.data, r, 1, f, k);
            if (name == "input") {
                Value in = ev.state.input;
                return in == null || walkValue(in, r, 1, f, k);
            }
            Value b = f.get(name);
            if (b == null) throw new EvalException(RegoError.UNSAFE_VAR, "var " + name + " is unsafe", v.location());
            return walkValue(b, r, 1, f, k);
        }
        return ev.evalTerm(head, f, hv -> walkValue(hv, r, 1, f, k));
    }

    boolean walkValue(Value v, Term.Ref ref, int i, Frame f, Evaluator.VCont k) {
        return walkValue(v, ref, i, f, k, false);
    }

    /**
     * Walks the rest of a reference through a value. In base documents ({@code data} from the
     * store) an integer key also finds the object key spelled as that integer, as OPA's storage
     * paths do ({@code data.x[2]} reads {@code {"2": ...}}).
     */
    boolean walkValue(Value v, Term.Ref ref, int i, Frame f, Evaluator.VCont k, boolean base) {
        if (i == ref.path().size()) return k.accept(v);
        Term idx = ref.path().get(i);
        if (idx instanceof Term.Scalar sc) {
            // The common case (x.name, x["k"], x[0]): no iteration, no continuation object.
            Value child = base ? baseLookup(v, sc.value()) : ValueOps.lookup(v, sc.value());
            return child == null || walkValue(child, ref, i + 1, f, k, base);
        }
        if (ev.isPattern(idx, f)) {
            return Evaluator.iterate(v, (key, child) -> ev.unifyValue(idx, key, f,
                    () -> walkValue(child, ref, i + 1, f, k, base)));
        }
        return ev.evalTerm(idx, f, key -> {
            Value child = base ? baseLookup(v, key) : ValueOps.lookup(v, key);
            return child == null || walkValue(child, ref, i + 1, f, k, base);
        });
    }

    static Value baseLookup(Value v, Value key) {
        Value child = ValueOps.lookup(v, key);
        if (child == null && v instanceof ObjectValue o && key instanceof dev.airlock.policy.value.NumberValue n
                && n.toLongExact() != null) {
            child = o.get(StringValue.of(Long.toString(n.toLongExact())));
        }
        return child;
    }

    // ---- data ----

    private boolean hasOverrides() {
        return !ev.state.dataOverrides.isEmpty();
    }

    /** The value of an override set exactly at path, or null. */
    private Value exactOverride(List<String> path) {
        Value out = null;
        for (Map.Entry<List<String>, Value> o : ev.state.dataOverrides) {
            if (o.getKey().equals(path)) out = o.getValue();
        }
        return out;
    }

    /** Applies overrides at or below path to v (exact ones replace it). */
    private Value applyOverrides(Value v, List<String> path) {
        for (Map.Entry<List<String>, Value> o : ev.state.dataOverrides) {
            List<String> p = o.getKey();
            if (p.size() < path.size() || !p.subList(0, path.size()).equals(path)) continue;
            if (p.size() == path.size()) {
                v = o.getValue();
            } else {
                List<Value> rel = new ArrayList<>();
                for (String s : p.subList(path.size(), p.size())) rel.add(StringValue.of(s));
                v = ValueOps.upsert(v, rel, 0, o.getValue());
            }
        }
        return v;
    }

    private static List<String> plus(List<String> path, String key) {
        List<String> p = new ArrayList<>(path.size() + 1);
        p.addAll(path);
        p.add(key);
        return p;
    }

    boolean walkData(RuleNode node, Value base, Term.Ref ref, int i, Frame f, Evaluator.VCont k) {
        if (hasOverrides()) {
            Value ex = exactOverride(node.path());
            if (ex != null) {
                Value v = applyOverrides(ex, node.path());
                return walkValue(v, ref, i, f, k);
            }
        }
        if (i == ref.path().size() || node.hasRules()) {
            Value v = nodeValue(node, base);
            return v == null || walkValue(v, ref, i, f, k);
        }
        Term idx = ref.path().get(i);
        if (ev.isPattern(idx, f)) {
            Set<Value> keys = new TreeSet<>();
            for (Map.Entry<String, RuleNode> c : node.children().entrySet()) {
                if (c.getValue().hasRulesBelow()) keys.add(StringValue.of(c.getKey()));
            }
            if (base instanceof ObjectValue o) {
                keys.addAll(o.entries().keySet());
            } else if (base != null) {
                Value v = hasOverrides() ? applyOverrides(base, node.path()) : base;
                return walkValue(v, ref, i, f, k);
            }
            if (hasOverrides()) {
                for (Map.Entry<List<String>, Value> o : ev.state.dataOverrides) {
                    List<String> p = o.getKey();
                    if (p.size() > node.path().size() && p.subList(0, node.path().size()).equals(node.path())) {
                        keys.add(StringValue.of(p.get(node.path().size())));
                    }
                }
            }
            for (Value key : keys) {
                if (!ev.unifyValue(idx, key, f, () -> stepInto(node, base, key, ref, i, f, k))) return false;
            }
            return true;
        }
        return ev.evalTerm(idx, f, key -> stepInto(node, base, key, ref, i, f, k));
    }

    private boolean stepInto(RuleNode node, Value base, Value key, Term.Ref ref, int i, Frame f, Evaluator.VCont k) {
        RuleNode child = key instanceof StringValue s ? node.child(s.value()) : null;
        Value childBase = base == null ? null : baseLookup(base, key);
        if (child != null && child.hasRulesBelow()) return walkData(child, childBase, ref, i + 1, f, k);
        Value v = childBase;
        if (hasOverrides() && key instanceof StringValue s) v = applyOverrides(v, plus(node.path(), s.value()));
        return v == null || walkValue(v, ref, i + 1, f, k, child == null);
    }

    /** The full value of a node: its rules, its base document and its children, merged. Null if undefined. */
    Value nodeValue(RuleNode node, Value base) {
        Evaluator.State st = ev.state;
        Value cached = st.cache.get(node);
        if (cached != null) return cached == Evaluator.UNDEFINED_MARK ? null : cached;
        boolean share = node.isDataOnly() && st.dataOverrides.isEmpty() && st.funcOverrides.isEmpty();
        if (share) {
            cached = ev.shared.get(node);
            if (cached != null) {
                st.cache.put(node, cached);
                return cached == Evaluator.UNDEFINED_MARK ? null : cached;
            }
        }
        if (!st.inProgress.add(node)) {
            throw new EvalException(RegoError.RECURSION, "rule " + node.name() + " is recursive",
                    node.hasRules() ? node.rules().getFirst().rule().location() : Location.NONE);
        }
        Value result;
        try {
            result = computeNode(node, base);
        } finally {
            st.inProgress.remove(node);
        }
        st.cache.put(node, result == null ? Evaluator.UNDEFINED_MARK : result);
        if (share) ev.shared.put(node, result == null ? Evaluator.UNDEFINED_MARK : result);
        return result;
    }

    private Value computeNode(RuleNode node, Value base) {
        ObjectBuilder builder = null;
        Value result = null;
        if (node.hasRules() && !node.isFunction()) {
            if (node.rules().getFirst().kind() == CompiledRule.Kind.OBJECT) {
                builder = objectRules(node);
            } else {
                result = ruleValue(node);
            }
        }
        boolean childRulesBelow = false;
        for (RuleNode c : node.children().values()) childRulesBelow |= c.hasRulesBelow();
        if (builder != null && childRulesBelow) {
            // Rules below an object rule's node extend its object, but never a value a rule produced.
            for (Map.Entry<String, RuleNode> c : node.children().entrySet()) {
                if (!c.getValue().hasRulesBelow()) continue;
                Value cv = nodeValue(c.getValue(), null);
                if (cv != null) builder.mergeAt(StringValue.of(c.getKey()), cv, node.rules().getFirst().rule().location());
            }
            result = builder.build();
            Value merged = base == null ? result : ValueOps.merge(base, result);
            if (merged == null) {
                throw new EvalException(RegoError.EVAL_CONFLICT, "rule " + node.name() + " conflicts with the base document",
                        node.rules().getFirst().rule().location());
            }
            if (hasOverrides()) merged = applyOverrides(merged, node.path());
            return merged;
        }
        if (builder != null) result = builder.build();
        if (base != null) {
            Value merged = result == null ? base : ValueOps.merge(base, result);
            if (merged == null) {
                throw new EvalException(RegoError.EVAL_CONFLICT, "rule " + node.name() + " conflicts with the base document",
                        node.rules().getFirst().rule().location());
            }
            result = merged;
        }
        boolean childRules = false;
        for (RuleNode c : node.children().values()) childRules |= c.hasRulesBelow();
        if (childRules) {
            TreeMap<Value, Value> m = new TreeMap<>();
            if (result instanceof ObjectValue o) {
                m.putAll(o.entries());
            } else if (result != null) {
                throw new EvalException(RegoError.EVAL_CONFLICT, "rule " + node.name() + " conflicts with rules below it",
                        Location.NONE);
            }
            for (Map.Entry<String, RuleNode> c : node.children().entrySet()) {
                if (!c.getValue().hasRulesBelow()) continue;
                StringValue key = StringValue.of(c.getKey());
                Value cb = base == null ? null : ValueOps.lookup(base, key);
                Value cv = hasOverrides() && exactOverride(c.getValue().path()) != null
                        ? applyOverrides(null, c.getValue().path())
                        : nodeValue(c.getValue(), cb);
                if (cv == null) continue;
                Value prev = m.get(key);
                Value merged = prev == null ? cv : ValueOps.merge(prev, cv);
                if (merged == null) {
                    throw new EvalException(RegoError.EVAL_CONFLICT, "object keys must be unique", Location.NONE);
                }
                m.put(key, merged);
            }
            result = ObjectValue.wrap(m);
        }
        if (result == null && node.isPackage()) result = ObjectValue.EMPTY;
        if (hasOverrides() && result != null) result = applyOverrides(result, node.path());
        else if (hasOverrides()) result = applyOverridesBelowOnly(node.path());
        return result;
    }

    private Value applyOverridesBelowOnly(List<String> path) {
        for (Map.Entry<List<String>, Value> o : ev.state.dataOverrides) {
            List<String> p = o.getKey();
            if (p.size() > path.size() && p.subList(0, path.size()).equals(path)) return applyOverrides(null, path);
        }
        return null;
    }

    // ---- rules ----

    private ObjectBuilder objectRules(RuleNode node) {
        enter(node);
        CompiledRule saved = ev.currentRule;
        try {
            return object(node);
        } finally {
            ev.currentRule = saved;
            ev.depth--;
        }
    }

    private Value ruleValue(RuleNode node) {
        enter(node);
        CompiledRule saved = ev.currentRule;
        try {
            return switch (node.rules().getFirst().kind()) {
                case COMPLETE -> complete(node);
                case MULTI_VALUE -> multiValue(node);
                case OBJECT -> object(node).build();
                case FUNCTION -> null;
            };
        } finally {
            ev.currentRule = saved;
            ev.depth--;
        }
    }

    private void enter(RuleNode node) {
        if (++ev.depth > ev.limits.maxDepth()) {
            ev.depth--;
            throw new EvalException(RegoError.EVAL_LIMIT, "evaluation exceeded the maximum depth of " + ev.limits.maxDepth()
                    + " nested rule evaluations (at " + node.name() + ")",
                    node.hasRules() ? node.rules().getFirst().rule().location() : Location.NONE);
        }
    }

    private Value complete(RuleNode node) {
        Set<Value> values = new LinkedHashSet<>();
        CompiledRule def = null;
        Location conflictAt = null;
        for (CompiledRule cr : node.rules()) {
            if (cr.rule().isDefault()) {
                def = cr;
                continue;
            }
            ev.currentRule = cr;
            int before = values.size();
            chain(cr.rule(), values);
            if (values.size() > 1 && conflictAt == null && values.size() > before) conflictAt = cr.rule().location();
        }
        if (values.size() > 1) {
            throw new EvalException(RegoError.EVAL_CONFLICT, "complete rules must not produce multiple outputs",
                    conflictAt == null ? node.rules().getFirst().rule().location() : conflictAt);
        }
        if (!values.isEmpty()) return values.iterator().next();
        if (def != null) {
            ev.currentRule = def;
            return ev.first(def.rule().head().value(), new Frame());
        }
        return null;
    }

    /** Evaluates a rule and, if it has no solution, its else branches; values go to sink. */
    private void chain(Rule rule, Set<Value> sink) {
        for (Rule r = rule; r != null; r = r.elseRule()) {
            boolean[] produced = {false};
            Frame nf = new Frame();
            Term value = r.head().value();
            boolean constant = dev.airlock.policy.ast.Terms.groundValue(value) != null;
            ev.evalBody(r.body(), 0, nf, () -> ev.evalTerm(value, nf, v -> {
                sink.add(v);
                produced[0] = true;
                // A constant head cannot conflict with itself: one solution is enough.
                return !constant;
            }));
            if (produced[0]) return;
        }
    }

    private Value multiValue(RuleNode node) {
        TreeSet<Value> out = new TreeSet<>();
        for (CompiledRule cr : node.rules()) {
            ev.currentRule = cr;
            Rule r = cr.rule();
            Frame nf = new Frame();
            ev.evalBody(r.body(), 0, nf, () -> ev.evalTerm(r.head().key(), nf, v -> {
                out.add(v);
                ev.grow(out.size(), r.location());
                return true;
            }));
        }
        return SetValue.wrap(out);
    }

    private ObjectBuilder object(RuleNode node) {
        ObjectBuilder root = new ObjectBuilder();
        for (CompiledRule cr : node.rules()) {
            ev.currentRule = cr;
            Rule r = cr.rule();
            Frame nf = new Frame();
            List<Term> suffix = cr.suffix();
            boolean multi = r.head().isMultiValue();
            Term leafTerm = multi ? r.head().key() : r.head().value();
            Value[] keys = new Value[suffix.size()];
            ev.evalBody(r.body(), 0, nf, () -> ev.evalAll(suffix, 0, keys, nf,
                    () -> ev.evalTerm(leafTerm, nf, leaf -> {
                        root.insert(keys, leaf, multi, r.location());
                        ev.grow(++root.inserted, r.location());
                        return true;
                    })));
        }
        return root;
    }

    /** Accumulates the object of an object rule, detecting conflicting keys. */
    private static final class ObjectBuilder {
        private final TreeMap<Value, Object> map = new TreeMap<>();
        /** Leaves inserted so far (for the collection budget). */
        int inserted;

        @SuppressWarnings("unchecked")
        void insert(Value[] keys, Value leaf, boolean multi, Location loc) {
            TreeMap<Value, Object> m = map;
            for (int i = 0; i < keys.length - 1; i++) {
                Object next = m.get(keys[i]);
                if (next == null) {
                    TreeMap<Value, Object> created = new TreeMap<>();
                    m.put(keys[i], created);
                    m = created;
                } else if (next instanceof TreeMap<?, ?> t) {
                    m = (TreeMap<Value, Object>) t;
                } else {
                    throw new EvalException(RegoError.EVAL_CONFLICT, "object keys must be unique", loc);
                }
            }
            Value last = keys[keys.length - 1];
            Object cur = m.get(last);
            if (multi) {
                if (cur == null) {
                    TreeSet<Value> s = new TreeSet<>();
                    s.add(leaf);
                    m.put(last, s);
                } else if (cur instanceof TreeSet<?> s) {
                    ((TreeSet<Value>) s).add(leaf);
                } else {
                    throw new EvalException(RegoError.EVAL_CONFLICT, "object keys must be unique", loc);
                }
                return;
            }
            if (cur == null) {
                m.put(last, leaf);
            } else if (!(cur instanceof Value v) || !v.equals(leaf)) {
                throw new EvalException(RegoError.EVAL_CONFLICT, "object keys must be unique", loc);
            }
        }

        /**
         * Merges the value of the rules below this node at {@code key}: objects merge into the
         * nested objects rule references created; sets merge with multi-value leaves; any other
         * overlap with a value a rule produced is a conflict.
         */
        @SuppressWarnings("unchecked")
        void mergeAt(Value key, Value v, Location loc) {
            mergeInto(map, key, v, loc);
        }

        @SuppressWarnings("unchecked")
        private static void mergeInto(TreeMap<Value, Object> m, Value key, Value v, Location loc) {
            Object cur = m.get(key);
            if (cur == null) {
                m.put(key, v);
            } else if (cur instanceof TreeMap<?, ?> t && v instanceof ObjectValue o) {
                for (Map.Entry<Value, Value> e : o.entries().entrySet()) {
                    mergeInto((TreeMap<Value, Object>) t, e.getKey(), e.getValue(), loc);
                }
            } else if (cur instanceof TreeSet<?> set && v instanceof SetValue sv) {
                ((TreeSet<Value>) set).addAll(sv.elements());
            } else if (!(cur instanceof Value same && same.equals(v))) {
                throw new EvalException(RegoError.EVAL_CONFLICT, "object keys must be unique", loc);
            }
        }

        Value build() {
            return build(map);
        }

        @SuppressWarnings("unchecked")
        private static Value build(TreeMap<Value, Object> m) {
            TreeMap<Value, Value> out = new TreeMap<>();
            for (Map.Entry<Value, Object> e : m.entrySet()) {
                Object v = e.getValue();
                out.put(e.getKey(), switch (v) {
                    case Value val -> val;
                    case TreeSet<?> s -> SetValue.wrap((TreeSet<Value>) s);
                    default -> build((TreeMap<Value, Object>) v);
                });
            }
            return ObjectValue.wrap(out);
        }
    }
}
