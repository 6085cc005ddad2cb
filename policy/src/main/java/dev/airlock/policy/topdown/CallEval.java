package dev.airlock.policy.topdown;

import dev.airlock.policy.ast.Location;
import dev.airlock.policy.ast.RegoError;
import dev.airlock.policy.ast.Rule;
import dev.airlock.policy.ast.Term;
import dev.airlock.policy.builtins.Builtin;
import dev.airlock.policy.builtins.BuiltinException;
import dev.airlock.policy.compile.CompiledRule;
import dev.airlock.policy.compile.RuleNode;
import dev.airlock.policy.value.ArrayValue;
import dev.airlock.policy.value.BoolValue;
import dev.airlock.policy.value.NumberValue;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.SetValue;
import dev.airlock.policy.value.Value;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Calls: user functions (all definitions and else branches, conflict detection, per-query
 * cache), builtins from the registry (errors mapped to OPA's codes), the evaluator's own
 * builtins ({@code walk}, membership, {@code print}, metadata), and {@code with}
 * replacements of any of them.
 */
final class CallEval {
    private final Evaluator ev;

    CallEval(Evaluator ev) {
        this.ev = ev;
    }

    boolean evalCall(Term.Call c, List<Term> args, Frame f, Evaluator.VCont k) {
        String name = c.name();
        boolean mocked = false;
        if (!ev.state.funcOverrides.isEmpty()) {
            Object ov = ev.state.funcOverrides.get(name);
            if (ov instanceof Value v) {
                Value[] vals = new Value[args.size()];
                return ev.evalAll(args, 0, vals, f, () -> k.accept(v));
            }
            if (ov instanceof String replacement) {
                name = replacement;
                mocked = true;
            }
        }
        if (name.equals("print")) return print(args, f, k);
        String target = name;
        Value[] vals = new Value[args.size()];
        if (mocked) return evalArgs(args, vals, f, () -> invokeMock(target, c, vals.clone(), k));
        return evalArgs(args, vals, f, () -> invoke(target, c, vals.clone(), k));
    }

    /**
     * Evaluates call arguments into {@code vals}. An argument that is a variable still unbound
     * waits until the others (references that may bind it, as in {@code f(x, xs[x])}) ran.
     */
    private boolean evalArgs(List<Term> args, Value[] vals, Frame f, Evaluator.Cont k) {
        int late = -1;
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i) instanceof Term.Var v && f.get(v.name()) == null
                    && !v.name().equals("input") && !v.name().equals("data")) {
                late = i;
                break;
            }
        }
        if (late < 0) return ev.evalAll(args, 0, vals, f, k);
        int[] order = new int[args.size()];
        int n = 0;
        for (int i = 0; i < args.size(); i++) if (!(args.get(i) instanceof Term.Var)) order[n++] = i;
        for (int i = 0; i < args.size(); i++) if (args.get(i) instanceof Term.Var) order[n++] = i;
        return evalInOrder(args, order, 0, vals, f, k);
    }

    private boolean evalInOrder(List<Term> args, int[] order, int j, Value[] vals, Frame f, Evaluator.Cont k) {
        if (j == order.length) return k.run();
        int i = order[j];
        return ev.evalTerm(args.get(i), f, v -> {
            vals[i] = v;
            return evalInOrder(args, order, j + 1, vals, f, k);
        });
    }

    /**
     * Calls the replacement of a mocked function as OPA does: inside the replacement no
     * function mock applies (so a mock can call the function it replaces, and mocks never
     * call each other); {@code with} inside it may add new ones. The continuation runs in
     * the caller's state again.
     */
    private boolean invokeMock(String target, Term.Call c, Value[] vals, Evaluator.VCont k) {
        Evaluator.State saved = ev.state;
        Evaluator.State inner = new Evaluator.State();
        inner.input = saved.input;
        inner.dataOverrides = saved.dataOverrides;
        ev.state = inner;
        try {
            return invoke(target, c, vals, v -> {
                ev.state = saved;
                try {
                    return k.accept(v);
                } finally {
                    ev.state = inner;
                }
            });
        } finally {
            ev.state = saved;
        }
    }

    private boolean invoke(String name, Term.Call c, Value[] vals, Evaluator.VCont k) {
        switch (name) {
            case "equal" -> {
                return k.accept(BoolValue.of(vals[0].equals(vals[1])));
            }
            case "neq" -> {
                return k.accept(BoolValue.of(!vals[0].equals(vals[1])));
            }
            case "internal.member_2" -> {
                return k.accept(BoolValue.of(member(vals[0], vals[1])));
            }
            case "internal.member_3" -> {
                return k.accept(BoolValue.of(member3(vals[0], vals[1], vals[2])));
            }
            case "walk" -> {
                return walk(vals[0], new ArrayList<>(), k);
            }
            case "trace", "internal.print" -> {
                return k.accept(BoolValue.TRUE);
            }
            case "rego.metadata.chain" -> {
                return k.accept(ev.metadata.chain(ev.currentRule));
            }
            case "rego.metadata.rule" -> {
                return k.accept(ev.metadata.rule(ev.currentRule));
            }
            case "opa.runtime" -> {
                return k.accept(ev.ctx.runtime());
            }
            case "rego.parse_module" -> {
                return parseModule(vals, c.location(), k);
            }
            default -> { }
        }
        if (name.startsWith("data.")) {
            RuleNode n = ev.policy.node(name);
            if (n == null || !n.isFunction()) {
                throw new EvalException(RegoError.EVAL_TYPE, "undefined function " + name, c.location());
            }
            return callFunction(n, vals, c.location(), k);
        }
        Builtin b = ev.policy.builtins().get(name);
        if (b == null) throw new EvalException(RegoError.EVAL_TYPE, "undefined function " + name, c.location());
        return callBuiltin(b, vals, c.location(), k);
    }

    private boolean callBuiltin(Builtin b, Value[] vals, Location loc, Evaluator.VCont k) {
        Value r;
        try {
            r = b.impl().call(ev.ctx, Arrays.asList(vals));
        } catch (BuiltinException e) {
            // As in OPA, a builtin's own error (type errors included) makes the call undefined
            // unless strict builtin errors are on.
            if (ev.ctx.strictBuiltinErrors()) {
                if (e.kind() == BuiltinException.Kind.TYPE) {
                    throw new EvalException(RegoError.EVAL_TYPE, b.name() + ": " + e.getMessage(), loc);
                }
                throw new EvalException(RegoError.EVAL_BUILTIN, b.name() + ": " + e.getMessage(), loc);
            }
            return true;
        } catch (EvalException e) {
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            // A bug or resource failure inside a builtin must not escape as a crash.
            if (ev.ctx.strictBuiltinErrors()) {
                throw new EvalException(RegoError.EVAL_BUILTIN, b.name() + ": " + e, loc);
            }
            return true;
        }
        return r == null || k.accept(r);
    }

    /**
     * Calls a user function as OPA does: every definition in order (each with its else chain),
     * all of them even when the caller needs one answer, so that differing outputs are an
     * {@code eval_conflict_error}; the default applies when none produced a value. Results
     * are cached per query by arguments.
     */
    private boolean callFunction(RuleNode node, Value[] vals, Location loc, Evaluator.VCont k) {
        CallKey key = new CallKey(node, vals);
        Value cached = ev.state.cache.get(key);
        if (cached != null) return cached == Evaluator.UNDEFINED_MARK || k.accept(cached);
        if (++ev.depth > ev.limits.maxDepth()) {
            ev.depth--;
            throw new EvalException(RegoError.EVAL_LIMIT, "evaluation exceeded the maximum depth of " + ev.limits.maxDepth()
                    + " nested calls (at " + node.name() + ")", loc);
        }
        CompiledRule saved = ev.currentRule;
        Value[] prev = {null};
        Evaluator.State state = ev.state;
        try {
            CompiledRule def = null;
            for (CompiledRule cr : node.rules()) {
                if (cr.rule().isDefault()) {
                    def = cr;
                    continue;
                }
                ev.currentRule = cr;
                for (Rule r = cr.rule(); r != null; r = r.elseRule()) {
                    boolean[] produced = {false};
                    Frame nf = new Frame();
                    Rule rr = r;
                    unifyArgs(r.head().args(), vals, 0, nf, () -> ev.evalBody(rr.body(), 0, nf,
                            () -> ev.evalTerm(rr.head().value(), nf, v -> {
                                produced[0] = true;
                                if (prev[0] == null) {
                                    prev[0] = v;
                                } else if (!prev[0].equals(v)) {
                                    throw new EvalException(RegoError.EVAL_CONFLICT,
                                            "functions must not produce multiple outputs for same inputs", rr.location());
                                }
                                return true;
                            })));
                    if (produced[0]) break;
                }
            }
            if (prev[0] == null && def != null) {
                ev.currentRule = def;
                Rule r = def.rule();
                Frame nf = new Frame();
                unifyArgs(r.head().args(), vals, 0, nf, () -> ev.evalTerm(r.head().value(), nf, v -> {
                    prev[0] = v;
                    return false;
                }));
            }
        } finally {
            ev.currentRule = saved;
            ev.depth--;
        }
        state.cache.put(key, prev[0] == null ? Evaluator.UNDEFINED_MARK : prev[0]);
        return prev[0] == null || k.accept(prev[0]);
    }

    /** Per-query cache key of a function call: the function and its argument values. */
    private static final class CallKey {
        private final RuleNode node;
        private final Value[] args;
        private final int hash;

        CallKey(RuleNode node, Value[] args) {
            this.node = node;
            this.args = args;
            this.hash = 31 * System.identityHashCode(node) + Arrays.hashCode(args);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof CallKey k && k.node == node && Arrays.equals(k.args, args);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    private boolean unifyArgs(List<Term> params, Value[] vals, int i, Frame f, Evaluator.Cont k) {
        if (i == params.size()) return k.run();
        return ev.unifyValue(params.get(i), vals[i], f, () -> unifyArgs(params, vals, i + 1, f, k));
    }

    /** {@code rego.parse_module(filename, source)}: the module as OPA's JSON AST; parse errors are builtin errors. */
    private boolean parseModule(Value[] vals, Location loc, Evaluator.VCont k) {
        for (int i = 0; i < 2; i++) {
            if (!(vals[i] instanceof dev.airlock.policy.value.StringValue)) {
                throw new EvalException(RegoError.EVAL_TYPE, "rego.parse_module: operand " + (i + 1)
                        + " must be string but got " + vals[i].typeName(), loc);
            }
        }
        String file = ((dev.airlock.policy.value.StringValue) vals[0]).value();
        String src = ((dev.airlock.policy.value.StringValue) vals[1]).value();
        var parsed = dev.airlock.policy.ast.Parser.parseModule(file, src);
        if (!parsed.ok()) {
            if (ev.ctx.strictBuiltinErrors()) {
                StringBuilder sb = new StringBuilder("rego.parse_module: ");
                List<RegoError> errs = parsed.errors();
                sb.append(errs.size()).append(errs.size() == 1 ? " error occurred: " : " errors occurred: ");
                for (RegoError e : errs) {
                    sb.append(e.location().file()).append(':').append(e.location().row()).append(':')
                            .append(e.location().col()).append(": ").append(e.code()).append(": ").append(e.message()).append('\n');
                }
                throw new EvalException(RegoError.EVAL_BUILTIN, sb.toString().strip(), loc);
            }
            return true;
        }
        return k.accept(AstJson.module(parsed.value()));
    }

    private static boolean member(Value x, Value coll) {
        return switch (coll) {
            case ArrayValue a -> a.elements().contains(x);
            case SetValue s -> s.contains(x);
            case ObjectValue o -> o.entries().containsValue(x);
            default -> false;
        };
    }

    private static boolean member3(Value key, Value val, Value coll) {
        Value v = ValueOps.lookup(coll, key);
        if (coll instanceof SetValue) return v != null && key.equals(val);
        return v != null && v.equals(val);
    }

    /** {@code walk(x, [path, value])}: every node of x, pre-order, with its path. */
    private boolean walk(Value v, List<Value> path, Evaluator.VCont k) {
        if (!k.accept(ArrayValue.of(new ArrayValue(path), v))) return false;
        return Evaluator.iterate(v, (key, child) -> {
            path.add(key);
            try {
                return walk(child, path, k);
            } finally {
                path.removeLast();
            }
        });
    }

    private boolean print(List<Term> args, Frame f, Evaluator.VCont k) {
        List<String> parts = new ArrayList<>();
        for (Term a : args) {
            Value v = ev.first(a, f);
            parts.add(v == null ? "<undefined>" : ValueOps.text(v));
        }
        ev.ctx.print(String.join(" ", parts));
        return k.accept(BoolValue.TRUE);
    }

    static Value number(int i) {
        return NumberValue.of(i);
    }

    static Map<String, Object> none() {
        return Map.of();
    }
}
