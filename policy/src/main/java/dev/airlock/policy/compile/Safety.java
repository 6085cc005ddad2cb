package dev.airlock.policy.compile;

import dev.airlock.policy.ast.Expr;
import dev.airlock.policy.ast.RegoError;
import dev.airlock.policy.ast.Term;
import dev.airlock.policy.ast.Terms;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToIntFunction;

/**
 * Orders body expressions so every variable is bound before it is read, as OPA's compiler
 * does, and reports variables that no ordering can bind ({@code rego_unsafe_var_error}).
 *
 * <p>A variable becomes bound ("safe") as an output of unification ({@code x = ...},
 * {@code x := ...}), as an index of a reference ({@code xs[i]}), as the output argument of a
 * call, or through {@code some ... in}. Expressions keep their written order unless a later
 * one must run first to bind a variable.
 */
final class Safety {
    private final List<RegoError> errors;
    private final Map<String, String> originalNames;
    /** Declared arity of a function or builtin by name, or -1 when unknown. */
    private final ToIntFunction<String> arity;

    Safety(List<RegoError> errors, Map<String, String> originalNames, ToIntFunction<String> arity) {
        this.errors = errors;
        this.originalNames = originalNames;
        this.arity = arity;
    }

    /** Result of ordering a body: the new order and the variables bound after it. */
    record Ordered(List<Expr> body, Set<String> safe) {}

    Ordered order(List<Expr> body, Set<String> initiallySafe) {
        Set<String> safe = new HashSet<>(initiallySafe);
        // Variables of this body outside closures: a closure that mentions one must wait for it.
        Set<String> outer = new HashSet<>(initiallySafe);
        for (Expr e : body) topLevelVars(e, outer);
        List<Expr> remaining = new ArrayList<>(body);
        List<Expr> ordered = new ArrayList<>(body.size());
        boolean progress = true;
        while (!remaining.isEmpty() && progress) {
            progress = false;
            for (int i = 0; i < remaining.size(); i++) {
                Expr e = remaining.get(i);
                Set<String> outs = outputs(e, safe, outer, null);
                if (outs != null) {
                    ordered.add(rewriteNested(e, safe, outer));
                    safe.addAll(outs);
                    remaining.remove(i);
                    progress = true;
                    break;
                }
            }
        }
        if (!remaining.isEmpty()) {
            Set<String> reported = new HashSet<>();
            for (Expr e : remaining) {
                Set<String> missing = new LinkedHashSet<>();
                outputs(e, safe, outer, missing);
                for (String v : missing) {
                    if (reported.add(v)) {
                        errors.add(new RegoError(RegoError.UNSAFE_VAR, "var " + display(v) + " is unsafe", e.location()));
                    }
                }
            }
            if (reported.isEmpty()) {
                errors.add(new RegoError(RegoError.UNSAFE_VAR, "expression is unsafe: " + remaining.getFirst(),
                        remaining.getFirst().location()));
            }
            ordered.addAll(remaining);
        }
        return new Ordered(ordered, safe);
    }

    String display(String v) {
        if (v.startsWith("$")) return "_";
        return originalNames.getOrDefault(v, v);
    }

    /** Checks that head variables are bound by the body. */
    void checkHead(Term t, Set<String> safe, dev.airlock.policy.ast.Location loc) {
        if (t == null) return;
        Set<String> missing = new LinkedHashSet<>();
        Set<String> outs = new HashSet<>();
        value(t, safe, safe, outs, missing);
        for (String v : missing) {
            errors.add(new RegoError(RegoError.UNSAFE_VAR, "var " + display(v) + " is unsafe", loc));
        }
    }

    private static void topLevelVars(Expr e, Set<String> out) {
        java.util.function.Function<Term, Boolean> visit = t -> {
            if (t instanceof Term.Var v) out.add(v.name());
            return !(t instanceof Term.ArrayCompr || t instanceof Term.SetCompr || t instanceof Term.ObjectCompr
                    || t instanceof Term.TemplateString);
        };
        if (e.kind() instanceof Expr.Every ev) {
            Terms.walk(ev.domain(), visit);
            for (Expr.With w : e.withs()) Terms.walk(w.value(), visit);
        } else {
            Terms.walkExpr(e, visit);
        }
    }

    /**
     * The variables the expression binds when run with {@code safe} bound, or null when it cannot
     * run yet. When {@code missing} is given, the variables that block it are added there.
     */
    private Set<String> outputs(Expr e, Set<String> safe, Set<String> outer, Set<String> missing) {
        Set<String> needs = new LinkedHashSet<>();
        Set<String> outs = new HashSet<>();
        for (Expr.With w : e.withs()) value(w.value(), safe, outer, new HashSet<>(), needs);
        switch (e.kind()) {
            case Expr.SomeDecl d -> { }
            case Expr.SomeIn si -> {
                value(si.collection(), safe, outer, outs, needs);
                if (si.key() != null) pattern(si.key(), safe, outer, outs, needs);
                pattern(si.value(), safe, outer, outs, needs);
            }
            case Expr.Every ev -> {
                value(ev.domain(), safe, outer, outs, needs);
                closure(ev.body(), null, safe, outer, needs);
                outs.clear();
            }
            case Expr.TermExpr te -> {
                if (e.negated()) {
                    Set<String> innerOuts = new HashSet<>();
                    Set<String> innerNeeds = new LinkedHashSet<>();
                    termExpr(te.term(), safe, outer, innerOuts, innerNeeds, true);
                    needs.addAll(innerNeeds);
                } else {
                    termExpr(te.term(), safe, outer, outs, needs, false);
                }
            }
        }
        needs.removeAll(safe);
        if (!needs.isEmpty()) {
            if (missing != null) missing.addAll(needs);
            return null;
        }
        return outs;
    }

    private void termExpr(Term t, Set<String> safe, Set<String> outer, Set<String> outs, Set<String> needs, boolean negated) {
        if (t instanceof Term.Call c) {
            String name = c.name();
            if ((name.equals("eq") || name.equals("assign")) && c.args().size() == 2) {
                Set<String> u = unify(c.args().get(0), c.args().get(1), safe, outer, needs, negated);
                if (u != null) outs.addAll(u);
                return;
            }
            int n = arity.applyAsInt(name);
            if (n >= 0 && c.args().size() == n + 1 && !negated) {
                Set<String> inputs = new LinkedHashSet<>();
                for (int i = 0; i < n; i++) value(c.args().get(i), safe, outer, outs, inputs);
                // References in the arguments are evaluated first and may bind variables other
                // arguments read (f(x, xs[x])): the evaluator orders them the same way.
                inputs.removeAll(outs);
                needs.addAll(inputs);
                pattern(c.args().get(n), safe, outer, outs, needs);
                return;
            }
            Set<String> inputs = new LinkedHashSet<>();
            value(t, safe, outer, outs, inputs);
            inputs.removeAll(outs);
            needs.addAll(inputs);
            return;
        }
        value(t, safe, outer, outs, needs);
    }

    /** Unification: an unbound side becomes output when the other side can be evaluated. */
    private Set<String> unify(Term a, Term b, Set<String> safe, Set<String> outer, Set<String> needs, boolean negated) {
        boolean aFree = isPattern(a, safe);
        boolean bFree = isPattern(b, safe);
        Set<String> outs = new HashSet<>();
        if (aFree && bFree) {
            if (a instanceof Term.ArrayTerm x && b instanceof Term.ArrayTerm y && x.items().size() == y.items().size()) {
                return pairwise(x.items(), y.items(), safe, outer, needs, negated);
            }
            if (a instanceof Term.ObjectTerm x && b instanceof Term.ObjectTerm y && x.keys().size() == y.keys().size()) {
                List<Term> xs = new ArrayList<>();
                List<Term> ys = new ArrayList<>();
                for (int i = 0; i < x.keys().size(); i++) {
                    for (int j = 0; j < y.keys().size(); j++) {
                        if (x.keys().get(i).equals(y.keys().get(j)) || sameGround(x.keys().get(i), y.keys().get(j))) {
                            xs.add(x.values().get(i));
                            ys.add(y.values().get(j));
                        }
                    }
                }
                if (xs.size() == x.keys().size()) return pairwise(xs, ys, safe, outer, needs, negated);
            }
            // Neither side can be evaluated first: report the free variables of both.
            freeVars(a, safe, needs);
            freeVars(b, safe, needs);
            return null;
        }
        if (aFree) {
            value(b, safe, outer, outs, needs);
            if (negated) freeVars(a, safe, needs);
            else pattern(a, safe, outer, outs, needs);
            return outs;
        }
        if (bFree) {
            value(a, safe, outer, outs, needs);
            if (negated) freeVars(b, safe, needs);
            else pattern(b, safe, outer, outs, needs);
            return outs;
        }
        value(a, safe, outer, outs, needs);
        value(b, safe, outer, outs, needs);
        return outs;
    }

    private static boolean sameGround(Term x, Term y) {
        var a = Terms.groundValue(x);
        return a != null && a.equals(Terms.groundValue(y));
    }

    private Set<String> pairwise(List<Term> xs, List<Term> ys, Set<String> safe, Set<String> outer, Set<String> needs,
            boolean negated) {
        Set<String> s = new HashSet<>(safe);
        Set<String> outs = new HashSet<>();
        List<Integer> pending = new ArrayList<>();
        for (int i = 0; i < xs.size(); i++) pending.add(i);
        boolean progress = true;
        while (!pending.isEmpty() && progress) {
            progress = false;
            for (int k = 0; k < pending.size(); k++) {
                int i = pending.get(k);
                Set<String> n = new LinkedHashSet<>();
                Set<String> o = unify(xs.get(i), ys.get(i), s, outer, n, negated);
                n.removeAll(s);
                if (o != null && n.isEmpty()) {
                    outs.addAll(o);
                    s.addAll(o);
                    pending.remove(k);
                    progress = true;
                    break;
                }
            }
        }
        for (int i : pending) {
            Set<String> n = new LinkedHashSet<>();
            unify(xs.get(i), ys.get(i), s, outer, n, negated);
            needs.addAll(n);
        }
        return outs;
    }

    /** True when the term has unbound variables in positions unification can bind (a var or a composite of them). */
    private static boolean isGlobal(String name) {
        return name.equals("input") || name.equals("data") || name.equals(Compiler.BUILTIN_REF);
    }

    private static boolean isPattern(Term t, Set<String> safe) {
        return switch (t) {
            case Term.Var v -> !safe.contains(v.name()) && !isGlobal(v.name());
            case Term.ArrayTerm a -> a.items().stream().anyMatch(x -> isPattern(x, safe));
            case Term.ObjectTerm o -> o.values().stream().anyMatch(x -> isPattern(x, safe));
            default -> false;
        };
    }

    /** Variables a pattern binds: vars, and vars inside array/object patterns; other parts are values. */
    private void pattern(Term t, Set<String> safe, Set<String> outer, Set<String> outs, Set<String> needs) {
        switch (t) {
            case Term.Var v -> {
                if (!safe.contains(v.name())) outs.add(v.name());
            }
            case Term.ArrayTerm a -> a.items().forEach(x -> pattern(x, safe, outer, outs, needs));
            case Term.ObjectTerm o -> {
                o.keys().forEach(x -> value(x, safe, outer, outs, needs));
                o.values().forEach(x -> pattern(x, safe, outer, outs, needs));
            }
            default -> value(t, safe, outer, outs, needs);
        }
    }

    private static void freeVars(Term t, Set<String> safe, Set<String> needs) {
        Terms.walk(t, x -> {
            if (x instanceof Term.Var v && !safe.contains(v.name())) needs.add(v.name());
            return true;
        });
    }

    /** A term read for its value: variables must be bound, except reference indexes, which iterate. */
    private void value(Term t, Set<String> safe, Set<String> outer, Set<String> outs, Set<String> needs) {
        switch (t) {
            case Term.Scalar s -> { }
            case Term.Var v -> {
                if (!safe.contains(v.name()) && !outs.contains(v.name()) && !isGlobal(v.name())) needs.add(v.name());
            }
            case Term.Ref r -> {
                Term head = r.head();
                if (head instanceof Term.Var v) {
                    if (!isGlobal(v.name()) && !safe.contains(v.name())
                            && !outs.contains(v.name())) {
                        needs.add(v.name());
                    }
                } else {
                    value(head, safe, outer, outs, needs);
                }
                for (int i = 1; i < r.path().size(); i++) {
                    Term idx = r.path().get(i);
                    Set<String> cur = new HashSet<>(safe);
                    cur.addAll(outs);
                    if (isPattern(idx, cur)) pattern(idx, cur, outer, outs, needs);
                    else value(idx, safe, outer, outs, needs);
                }
            }
            case Term.ArrayTerm a -> a.items().forEach(x -> value(x, safe, outer, outs, needs));
            case Term.SetTerm a -> a.items().forEach(x -> value(x, safe, outer, outs, needs));
            case Term.ObjectTerm o -> {
                o.keys().forEach(x -> value(x, safe, outer, outs, needs));
                o.values().forEach(x -> value(x, safe, outer, outs, needs));
            }
            case Term.Call c -> c.args().forEach(x -> value(x, safe, outer, outs, needs));
            case Term.ArrayCompr c -> closure(c.body(), c, safe, outer, needs);
            case Term.SetCompr c -> closure(c.body(), c, safe, outer, needs);
            case Term.ObjectCompr c -> closure(c.body(), c, safe, outer, needs);
            case Term.TemplateString ts -> {
                for (Object o : ts.parts()) {
                    if (o instanceof Expr e) closure(List.of(e), null, safe, outer, needs);
                }
            }
        }
    }

    /** A closure (comprehension, every body) needs the outer variables it mentions to be bound first. */
    private void closure(List<Expr> body, Term compr, Set<String> safe, Set<String> outer, Set<String> needs) {
        Set<String> vs = new HashSet<>();
        Terms.walkBody(body, x -> {
            if (x instanceof Term.Var v) vs.add(v.name());
            return true;
        });
        if (compr != null) Terms.vars(compr, vs);
        for (String v : vs) {
            if (outer.contains(v) && !safe.contains(v) && !isGlobal(v)) needs.add(v);
        }
    }

    /** Orders the bodies nested in an expression (comprehensions, every, template parts) given what is bound. */
    private Expr rewriteNested(Expr e, Set<String> safe, Set<String> outer) {
        Set<String> visible = new HashSet<>(safe);
        Set<String> outsHere = outputs(e, safe, outer, null);
        // Variables bound by this expression's own refs are visible to closures in it.
        if (outsHere != null) visible.addAll(outsHere);
        List<Expr.With> withs = new ArrayList<>();
        for (Expr.With w : e.withs()) withs.add(new Expr.With(w.target(), nested(w.value(), visible), w.location()));
        Expr.Kind k = switch (e.kind()) {
            case Expr.TermExpr te -> new Expr.TermExpr(nested(te.term(), visible));
            case Expr.SomeIn si -> new Expr.SomeIn(si.key(), si.value(), nested(si.collection(), visible));
            case Expr.Every ev -> {
                Set<String> inner = new HashSet<>(visible);
                if (ev.key() != null) Terms.vars(ev.key(), inner);
                Terms.vars(ev.value(), inner);
                yield new Expr.Every(ev.key(), ev.value(), nested(ev.domain(), visible), order(ev.body(), inner).body());
            }
            case Expr.SomeDecl d -> d;
        };
        return new Expr(k, e.negated(), withs, e.location());
    }

    /**
     * Orders the closures inside a term: a comprehension's body with the variables visible
     * here, then its head with what the body binds (the head is checked for safety); template
     * string parts as one-expression bodies.
     */
    Term nested(Term t, Set<String> visible) {
        return switch (t) {
            case Term.ArrayCompr c -> {
                Ordered o = order(c.body(), visible);
                Term head = nested(c.head(), o.safe());
                checkHead(head, o.safe(), c.location());
                yield new Term.ArrayCompr(head, o.body(), c.location());
            }
            case Term.SetCompr c -> {
                Ordered o = order(c.body(), visible);
                Term head = nested(c.head(), o.safe());
                checkHead(head, o.safe(), c.location());
                yield new Term.SetCompr(head, o.body(), c.location());
            }
            case Term.ObjectCompr c -> {
                Ordered o = order(c.body(), visible);
                Term key = nested(c.key(), o.safe());
                Term value = nested(c.value(), o.safe());
                checkHead(key, o.safe(), c.location());
                checkHead(value, o.safe(), c.location());
                yield new Term.ObjectCompr(key, value, o.body(), c.location());
            }
            case Term.TemplateString ts -> {
                List<Object> parts = new ArrayList<>(ts.parts().size());
                for (Object o : ts.parts()) parts.add(o instanceof Expr e ? order(List.of(e), visible).body().getFirst() : o);
                yield new Term.TemplateString(parts, ts.raw(), ts.location());
            }
            case Term.Ref r -> new Term.Ref(nestedAll(r.path(), visible), r.location());
            case Term.ArrayTerm a -> new Term.ArrayTerm(nestedAll(a.items(), visible), a.location());
            case Term.SetTerm a -> new Term.SetTerm(nestedAll(a.items(), visible), a.location());
            case Term.ObjectTerm o -> new Term.ObjectTerm(nestedAll(o.keys(), visible), nestedAll(o.values(), visible),
                    o.location());
            case Term.Call c -> new Term.Call(c.op(), nestedAll(c.args(), visible), c.location());
            case Term.Scalar sc -> sc;
            case Term.Var v -> v;
        };
    }

    private List<Term> nestedAll(List<Term> ts, Set<String> visible) {
        List<Term> out = new ArrayList<>(ts.size());
        for (Term t : ts) out.add(nested(t, visible));
        return out;
    }
}
