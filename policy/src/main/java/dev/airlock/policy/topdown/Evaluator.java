package dev.airlock.policy.topdown;

import dev.airlock.policy.ast.Expr;
import dev.airlock.policy.ast.Location;
import dev.airlock.policy.ast.RegoError;
import dev.airlock.policy.ast.Rule;
import dev.airlock.policy.ast.Term;
import dev.airlock.policy.ast.Terms;
import dev.airlock.policy.builtins.Builtin;
import dev.airlock.policy.builtins.BuiltinException;
import dev.airlock.policy.compile.CompiledPolicy;
import dev.airlock.policy.compile.CompiledQuery;
import dev.airlock.policy.compile.CompiledRule;
import dev.airlock.policy.compile.Compiler;
import dev.airlock.policy.compile.Internals;
import dev.airlock.policy.compile.RuleNode;
import dev.airlock.policy.value.ArrayValue;
import dev.airlock.policy.value.BoolValue;
import dev.airlock.policy.value.NumberValue;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.SetValue;
import dev.airlock.policy.value.StringValue;
import dev.airlock.policy.value.Value;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Top-down evaluation of one query against compiled rules, base data and input, with OPA's
 * semantics: backtracking search over expression solutions (continuation-passing: a
 * continuation returns false to stop the search), virtual documents computed on demand and
 * cached per query, {@code with} modifiers that swap input/data/functions for one expression.
 *
 * <p>An evaluator is single-use and not thread-safe; create one per query.
 */
public final class Evaluator {
    /** Continuation after an expression succeeded; returns false to stop the search. */
    @FunctionalInterface
    interface Cont {
        boolean run();
    }

    /** Continuation receiving one value of a term. */
    @FunctionalInterface
    interface VCont {
        boolean accept(Value v);
    }

    /** Everything {@code with} can replace, swapped as one object. */
    static final class State {
        Value input;
        List<Map.Entry<List<String>, Value>> dataOverrides = List.of();
        Map<String, Object> funcOverrides = Map.of();
        Map<Object, Value> cache = new HashMap<>();
        Set<Object> inProgress = new java.util.HashSet<>();
    }

    static final Value UNDEFINED_MARK = StringValue.of("\u0000undefined");

    final CompiledPolicy policy;
    final Value data;
    final QueryContext ctx;
    final Limits limits;
    private final long deadline;
    State state = new State();
    private long steps;
    int depth;
    CompiledRule currentRule;
    final Metadata metadata;
    final RefEval refs;
    final CallEval calls;

    /** Values of data-only rule-tree nodes, shared by the evaluations of one engine (same rules, same data). */
    final Map<Object, Value> shared;

    public Evaluator(CompiledPolicy policy, Value data, Value input, QueryContext ctx, Limits limits) {
        this(policy, data, input, ctx, limits, new HashMap<>());
    }

    /**
     * An evaluator that keeps the values of data-only nodes ({@link RuleNode#isDataOnly()}) in
     * {@code shared}, a thread-safe map the caller reuses for every query against the same
     * compiled rules and data.
     */
    public Evaluator(CompiledPolicy policy, Value data, Value input, QueryContext ctx, Limits limits,
            Map<Object, Value> shared) {
        this.shared = shared;
        this.policy = policy;
        this.data = data == null ? ObjectValue.EMPTY : data;
        this.ctx = ctx;
        this.limits = limits;
        this.deadline = System.nanoTime() + limits.maxTime().toNanos();
        this.state.input = input;
        this.metadata = new Metadata(policy);
        this.refs = new RefEval(this);
        this.calls = new CallEval(this);
    }

    /** Runs the query, also reporting each top-level expression's value (for CLI output). */
    public List<QueryResult> runWithExpressions(CompiledQuery q, List<dev.airlock.policy.ast.Expr> inOrder) {
        exprValues = new java.util.IdentityHashMap<>();
        List<QueryResult> out = new ArrayList<>();
        Frame f = new Frame();
        try {
            evalBody(q.body(), 0, f, () -> {
                Map<String, Value> row = new LinkedHashMap<>();
                for (String v : q.resultVars()) {
                    Value b = f.get(v);
                    if (b != null) row.put(v, b);
                }
                List<Value> vals = new ArrayList<>();
                for (Expr e : inOrder) vals.add(exprValues.getOrDefault(e, BoolValue.TRUE));
                out.add(new QueryResult(row, vals));
                return true;
            });
        } catch (StackOverflowError e) {
            throw new EvalException(RegoError.EVAL_LIMIT, "evaluation nested too deeply (stack exhausted)", Location.NONE);
        }
        return out;
    }

    private Map<Expr, Value> exprValues;

    /** Runs the query; each solution is the bindings of the query's result variables. */
    public List<Map<String, Value>> run(CompiledQuery q) {
        List<Map<String, Value>> out = new ArrayList<>();
        Frame f = new Frame();
        try {
            evalBody(q.body(), 0, f, () -> {
                Map<String, Value> row = new LinkedHashMap<>();
                for (String v : q.resultVars()) {
                    Value b = f.get(v);
                    if (b != null) row.put(v, b);
                }
                out.add(row);
                return true;
            });
        } catch (StackOverflowError e) {
            throw new EvalException(RegoError.EVAL_LIMIT, "evaluation nested too deeply (stack exhausted)", Location.NONE);
        }
        return out;
    }

    // ---- bodies and expressions ----

    boolean evalBody(List<Expr> body, int i, Frame f, Cont k) {
        if (i == body.size()) return k.run();
        Expr e = body.get(i);
        return evalExpr(e, f, () -> evalBody(body, i + 1, f, k));
    }

    void step(Location loc) {
        if (++steps > limits.maxSteps()) {
            throw new EvalException(RegoError.EVAL_LIMIT, "evaluation exceeded " + limits.maxSteps() + " steps", loc);
        }
        if ((steps & 1023) == 0 && System.nanoTime() > deadline) {
            throw new EvalException(RegoError.EVAL_LIMIT, "evaluation exceeded the time limit of " + limits.maxTime(), loc);
        }
    }

    /** Checks the size budget of a collection evaluation is building. */
    void grow(int size, Location loc) {
        if (size > limits.maxCollectionSize()) {
            throw new EvalException(RegoError.EVAL_LIMIT, "evaluation built a collection of more than "
                    + limits.maxCollectionSize() + " elements", loc);
        }
    }

    boolean evalExpr(Expr e, Frame f, Cont k) {
        step(e.location());
        if (!e.withs().isEmpty()) return evalWith(e, f, k);
        if (e.negated()) {
            boolean[] found = {false};
            evalKind(e, f, () -> {
                found[0] = true;
                return false;
            });
            return found[0] || k.run();
        }
        return evalKind(e, f, k);
    }

    private boolean evalKind(Expr e, Frame f, Cont k) {
        switch (e.kind()) {
            case Expr.SomeDecl d -> {
                return k.run();
            }
            case Expr.SomeIn si -> {
                return evalTerm(si.collection(), f, coll -> iterate(coll, (key, val) -> si.key() == null
                        ? unifyValue(si.value(), val, f, k)
                        : unifyValue(si.key(), key, f, () -> unifyValue(si.value(), val, f, k))));
            }
            case Expr.Every ev -> {
                return evalEvery(ev, f, k);
            }
            case Expr.TermExpr te -> {
                Term t = te.term();
                if (t instanceof Term.Call c) {
                    String name = c.name();
                    if ((name.equals("eq") || name.equals("assign")) && c.args().size() == 2) {
                        return unify(c.args().get(0), c.args().get(1), f, k);
                    }
                    int arity = arity(c);
                    if (arity >= 0 && c.args().size() == arity + 1) {
                        Term out = c.args().getLast();
                        return calls.evalCall(c, c.args().subList(0, arity), f, v -> unifyValue(out, v, f, k));
                    }
                }
                if (exprValues != null && !(t instanceof Term.Call)) {
                    return evalTerm(t, f, v -> {
                        if (v == BoolValue.FALSE) return true;
                        exprValues.put(e, v);
                        return k.run();
                    });
                }
                return evalTerm(t, f, v -> v == BoolValue.FALSE || k.run());
            }
        }
    }

    int arity(Term.Call c) {
        return policy.arity(c.name());
    }

    RuleNode node(Term.Ref op) {
        List<String> p = Terms.stringPath(op);
        return p == null ? null : policy.root().find(p.subList(1, p.size()));
    }

    private boolean evalEvery(Expr.Every ev, Frame f, Cont k) {
        return evalTerm(ev.domain(), f, dom -> {
            if (!(dom instanceof ArrayValue || dom instanceof ObjectValue || dom instanceof SetValue)) return true;
            boolean[] all = {true};
            iterate(dom, (key, val) -> {
                boolean[] found = {false};
                Cont body = () -> evalBody(ev.body(), 0, f, () -> {
                    found[0] = true;
                    return false;
                });
                if (ev.key() == null) unifyValue(ev.value(), val, f, body);
                else unifyValue(ev.key(), key, f, () -> unifyValue(ev.value(), val, f, body));
                if (!found[0]) {
                    all[0] = false;
                    return false;
                }
                return true;
            });
            return !all[0] || k.run();
        });
    }

    // ---- with ----

    private boolean evalWith(Expr e, Frame f, Cont k) {
        State saved = state;
        State next = withState(e, f);
        if (next == null) return true;
        Expr inner = e.withWiths(List.of());
        state = next;
        try {
            return evalExpr(inner, f, () -> {
                state = saved;
                try {
                    return k.run();
                } finally {
                    state = next;
                }
            });
        } finally {
            state = saved;
        }
    }

    /** The state after applying an expression's with modifiers; null when a with value is undefined. */
    private State withState(Expr e, Frame f) {
        State saved = state;
        State next = new State();
        next.input = saved.input;
        next.dataOverrides = new ArrayList<>(saved.dataOverrides);
        next.funcOverrides = new HashMap<>(saved.funcOverrides);
        for (Expr.With w : e.withs()) {
            Term.Ref target = w.target();
            String head = target.headName();
            if ("input".equals(head)) {
                Value v = first(w.value(), f);
                if (v == null) return null;
                List<Value> path = refKeys(target, f);
                next.input = path.isEmpty() ? v : ValueOps.upsert(next.input, path, 0, v);
                continue;
            }
            Object replacement = functionReplacement(w.value(), f);
            String name = Terms.refName(target);
            boolean isFunction = !"data".equals(head) || isFunctionNode(target);
            if (isFunction) {
                if (replacement == null) return null;
                next.funcOverrides.put(name, replacement);
            } else {
                Value v = replacement instanceof Value val ? val : first(w.value(), f);
                if (v == null) return null;
                List<String> p = Terms.stringPath(target);
                if (p == null) {
                    throw new EvalException(RegoError.EVAL_TYPE, "with target " + target + " must be a path of strings",
                            w.location());
                }
                next.dataOverrides.add(Map.entry(p.subList(1, p.size()), v));
            }
        }
        return next;
    }

    private boolean isFunctionNode(Term.Ref target) {
        RuleNode n = node(target);
        return n != null && n.isFunction();
    }

    /** A with value naming a function (user or builtin): its name; otherwise the value. */
    private Object functionReplacement(Term v, Frame f) {
        if (v instanceof Term.Ref r && Compiler.BUILTIN_REF.equals(r.headName())) {
            return ((StringValue) ((Term.Scalar) r.path().get(1)).value()).value();
        }
        if (v instanceof Term.Ref r && "data".equals(r.headName())) {
            RuleNode n = node(r);
            if (n != null && n.isFunction()) return Terms.refName(r);
        }
        return first(v, f);
    }

    private List<Value> refKeys(Term.Ref r, Frame f) {
        List<Value> out = new ArrayList<>();
        for (int i = 1; i < r.path().size(); i++) {
            Value v = first(r.path().get(i), f);
            if (v == null) throw new EvalException(RegoError.EVAL_TYPE, "with target " + r + " is not ground", r.location());
            out.add(v);
        }
        return out;
    }

    /** The first value of a term, or null when undefined. */
    Value first(Term t, Frame f) {
        Value[] out = {null};
        evalTerm(t, f, v -> {
            out[0] = v;
            return false;
        });
        return out[0];
    }

    // ---- terms ----

    boolean evalTerm(Term t, Frame f, VCont k) {
        // The hottest dispatch of the evaluator: the common kinds by plain type tests first.
        if (t instanceof Term.Scalar s) return k.accept(s.value());
        if (t instanceof Term.Ref r) return refs.evalRef(r, f, k);
        if (t instanceof Term.Var v) {
            Value b = f.get(v.name());
            if (b != null) return k.accept(b);
        }
        if (t instanceof Term.Call c) return calls.evalCall(c, c.args(), f, k);
        switch (t) {
            case Term.Scalar s -> {
                return k.accept(s.value());
            }
            case Term.Var v -> {
                Value b = f.get(v.name());
                if (b != null) return k.accept(b);
                if (v.name().equals("input") || v.name().equals("data")) {
                    return refs.evalRef(new Term.Ref(List.of(v), v.location()), f, k);
                }
                throw new EvalException(RegoError.UNSAFE_VAR, "var " + v.name() + " is unsafe", v.location());
            }
            case Term.Ref r -> {
                return refs.evalRef(r, f, k);
            }
            case Term.ArrayTerm a -> {
                Value g = Terms.groundValue(a);
                if (g != null) return k.accept(g);
                Value[] out = new Value[a.items().size()];
                return evalAll(a.items(), 0, out, f, () -> k.accept(new ArrayValue(Arrays.asList(out.clone()))));
            }
            case Term.SetTerm s -> {
                Value[] out = new Value[s.items().size()];
                return evalAll(s.items(), 0, out, f, () -> k.accept(SetValue.of(Arrays.asList(out))));
            }
            case Term.ObjectTerm o -> {
                List<Term> all = new ArrayList<>(o.keys());
                all.addAll(o.values());
                Value[] out = new Value[all.size()];
                int n = o.keys().size();
                return evalAll(all, 0, out, f, () -> {
                    TreeMap<Value, Value> m = new TreeMap<>();
                    for (int i = 0; i < n; i++) m.put(out[i], out[n + i]);
                    return k.accept(ObjectValue.wrap(m));
                });
            }
            case Term.Call c -> {
                return calls.evalCall(c, c.args(), f, k);
            }
            case Term.ArrayCompr c -> {
                List<Value> items = new ArrayList<>();
                evalBody(c.body(), 0, f, () -> evalTerm(c.head(), f, v -> {
                    items.add(v);
                    grow(items.size(), c.location());
                    return true;
                }));
                return k.accept(new ArrayValue(items));
            }
            case Term.SetCompr c -> {
                TreeSet<Value> items = new TreeSet<>();
                evalBody(c.body(), 0, f, () -> evalTerm(c.head(), f, v -> {
                    items.add(v);
                    grow(items.size(), c.location());
                    return true;
                }));
                return k.accept(SetValue.wrap(items));
            }
            case Term.ObjectCompr c -> {
                TreeMap<Value, Value> m = new TreeMap<>();
                evalBody(c.body(), 0, f, () -> evalTerm(c.key(), f, key -> evalTerm(c.value(), f, val -> {
                    Value prev = m.put(key, val);
                    grow(m.size(), c.location());
                    if (prev != null && !prev.equals(val)) {
                        throw new EvalException(RegoError.EVAL_CONFLICT, "object keys must be unique", c.location());
                    }
                    return true;
                })));
                return k.accept(ObjectValue.wrap(m));
            }
            case Term.TemplateString ts -> {
                return evalTemplate(ts, 0, new StringBuilder(), f, k);
            }
        }
    }

    private boolean evalTemplate(Term.TemplateString ts, int i, StringBuilder sb, Frame f, VCont k) {
        if (i == ts.parts().size()) return k.accept(StringValue.of(sb.toString()));
        Object part = ts.parts().get(i);
        if (part instanceof String s) {
            int len = sb.length();
            sb.append(s);
            boolean r = evalTemplate(ts, i + 1, sb, f, k);
            sb.setLength(len);
            return r;
        }
        Expr e = (Expr) part;
        Term t = ((Expr.TermExpr) e.kind()).term();
        List<Value> values = new ArrayList<>();
        Expr probe = new Expr(new Expr.TermExpr(t), false, e.withs(), e.location());
        // Evaluate the part's term under its with modifiers, collecting its values.
        evalValuesWith(probe, t, f, values);
        int len = sb.length();
        if (values.isEmpty()) {
            sb.append("<undefined>");
            boolean r = evalTemplate(ts, i + 1, sb, f, k);
            sb.setLength(len);
            return r;
        }
        if (values.size() > 1) {
            throw new EvalException(RegoError.EVAL_CONFLICT, "template expression produced multiple values", e.location());
        }
        sb.append(ValueOps.text(values.getFirst()));
        boolean r = evalTemplate(ts, i + 1, sb, f, k);
        sb.setLength(len);
        return r;
    }

    private void evalValuesWith(Expr probe, Term t, Frame f, List<Value> out) {
        VCont collect = v -> {
            if (!out.contains(v)) out.add(v);
            return true;
        };
        if (probe.withs().isEmpty()) {
            evalTerm(t, f, collect);
            return;
        }
        State saved = state;
        State next = withState(probe, f);
        if (next == null) return;
        state = next;
        try {
            evalTerm(t, f, collect);
        } finally {
            state = saved;
        }
    }

    boolean evalAll(List<Term> terms, int i, Value[] out, Frame f, Cont k) {
        if (i == terms.size()) return k.run();
        return evalTerm(terms.get(i), f, v -> {
            out[i] = v;
            return evalAll(terms, i + 1, out, f, k);
        });
    }

    // ---- unification ----

    boolean unify(Term a, Term b, Frame f, Cont k) {
        if (a instanceof Term.Var va && f.get(va.name()) == null && !isGlobal(va)) {
            if (b instanceof Term.Var vb && f.get(vb.name()) == null && !isGlobal(vb)) {
                throw new EvalException(RegoError.UNSAFE_VAR, "var " + va.name() + " is unsafe", a.location());
            }
            return evalTerm(b, f, v -> unifyValue(a, v, f, k));
        }
        if (b instanceof Term.Var vb && f.get(vb.name()) == null && !isGlobal(vb)) {
            return evalTerm(a, f, v -> unifyValue(b, v, f, k));
        }
        if (a instanceof Term.ArrayTerm x && b instanceof Term.ArrayTerm y) {
            if (x.items().size() != y.items().size()) return true;
            return unifyPairs(x.items(), y.items(), new boolean[x.items().size()], f, k);
        }
        if (a instanceof Term.ObjectTerm x && b instanceof Term.ObjectTerm y && isPattern(a, f) && isPattern(b, f)) {
            if (x.keys().size() != y.keys().size()) return true;
            List<Term> xs = new ArrayList<>();
            List<Term> ys = new ArrayList<>();
            for (int i = 0; i < x.keys().size(); i++) {
                Value kx = first(x.keys().get(i), f);
                boolean matched = false;
                for (int j = 0; j < y.keys().size(); j++) {
                    Value ky = first(y.keys().get(j), f);
                    if (kx != null && kx.equals(ky)) {
                        xs.add(x.values().get(i));
                        ys.add(y.values().get(j));
                        matched = true;
                    }
                }
                if (!matched) return true;
            }
            return unifyPairs(xs, ys, new boolean[xs.size()], f, k);
        }
        if (isPattern(a, f)) return evalTerm(b, f, v -> unifyValue(a, v, f, k));
        if (isPattern(b, f)) return evalTerm(a, f, v -> unifyValue(b, v, f, k));
        return evalTerm(a, f, va -> evalTerm(b, f, vb -> !va.equals(vb) || k.run()));
    }

    private static boolean isGlobal(Term.Var v) {
        String n = v.name(); // interned
        return n == "input" || n == "data";
    }

    private boolean unifyPairs(List<Term> xs, List<Term> ys, boolean[] done, Frame f, Cont k) {
        int pick = -1;
        for (int i = 0; i < xs.size(); i++) {
            if (done[i]) continue;
            if (pick < 0) pick = i;
            if (!(isPattern(xs.get(i), f) && isPattern(ys.get(i), f))) {
                pick = i;
                break;
            }
        }
        if (pick < 0) return k.run();
        int p = pick;
        done[p] = true;
        try {
            return unify(xs.get(p), ys.get(p), f, () -> unifyPairs(xs, ys, done, f, k));
        } finally {
            done[p] = false;
        }
    }

    /** True when the term has unbound variables in positions unification binds. */
    boolean isPattern(Term t, Frame f) {
        return switch (t) {
            case Term.Var v -> f.get(v.name()) == null && !isGlobal(v);
            case Term.ArrayTerm a -> {
                for (Term x : a.items()) if (isPattern(x, f)) yield true;
                yield false;
            }
            case Term.ObjectTerm o -> {
                for (Term x : o.values()) if (isPattern(x, f)) yield true;
                yield false;
            }
            default -> false;
        };
    }

    /** Unifies a (possibly non-ground) term with a ground value. */
    boolean unifyValue(Term pattern, Value v, Frame f, Cont k) {
        switch (pattern) {
            case Term.Var var -> {
                Value b = f.get(var.name());
                if (b != null) return !b.equals(v) || k.run();
                if (isGlobal(var)) return evalTerm(var, f, x -> !x.equals(v) || k.run());
                f.bind(var.name(), v);
                try {
                    return k.run();
                } finally {
                    f.unbind(var.name());
                }
            }
            case Term.Scalar s -> {
                return !s.value().equals(v) || k.run();
            }
            case Term.ArrayTerm a -> {
                if (!(v instanceof ArrayValue av) || av.size() != a.items().size()) return true;
                if (!isPattern(a, f)) return evalTerm(a, f, x -> !x.equals(v) || k.run());
                return unifyElems(a.items(), av.elements(), 0, f, k);
            }
            case Term.ObjectTerm o -> {
                if (!(v instanceof ObjectValue ov) || ov.size() != o.keys().size()) return true;
                if (!isPattern(o, f)) return evalTerm(o, f, x -> !x.equals(v) || k.run());
                List<Term> pats = new ArrayList<>();
                List<Value> vals = new ArrayList<>();
                for (int i = 0; i < o.keys().size(); i++) {
                    Value key = first(o.keys().get(i), f);
                    Value child = key == null ? null : ov.get(key);
                    if (child == null) return true;
                    pats.add(o.values().get(i));
                    vals.add(child);
                }
                return unifyElems(pats, vals, 0, f, k);
            }
            default -> {
                return evalTerm(pattern, f, x -> !x.equals(v) || k.run());
            }
        }
    }

    private boolean unifyElems(List<Term> pats, List<Value> vals, int i, Frame f, Cont k) {
        if (i == pats.size()) return k.run();
        return unifyValue(pats.get(i), vals.get(i), f, () -> unifyElems(pats, vals, i + 1, f, k));
    }

    /** Calls {@code fn(key, value)} for every entry of a collection until it returns false. */
    static boolean iterate(Value coll, java.util.function.BiFunction<Value, Value, Boolean> fn) {
        switch (coll) {
            case ArrayValue a -> {
                for (int i = 0; i < a.size(); i++) if (!fn.apply(NumberValue.of(i), a.get(i))) return false;
            }
            case ObjectValue o -> {
                for (Map.Entry<Value, Value> e : o.entries().entrySet()) if (!fn.apply(e.getKey(), e.getValue())) return false;
            }
            case SetValue s -> {
                for (Value e : s.elements()) if (!fn.apply(e, e)) return false;
            }
            default -> { }
        }
        return true;
    }
}
