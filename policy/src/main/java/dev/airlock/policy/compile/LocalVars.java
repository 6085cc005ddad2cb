package dev.airlock.policy.compile;

import dev.airlock.policy.ast.Expr;
import dev.airlock.policy.ast.RegoError;
import dev.airlock.policy.ast.Term;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Gives variables declared in nested scopes ({@code :=} and {@code some} inside
 * comprehensions, {@code every} variables) unique names, so that the evaluator can keep one
 * flat set of bindings per rule, and reports re-declarations as OPA does ("var x assigned
 * above"). Declarations at the top level of a body keep their names (query results use them).
 */
final class LocalVars {
    private final List<RegoError> errors;
    private final Map<String, String> originalNames;
    private final int[] counter;

    private static final class Scope {
        final Scope parent;
        final Map<String, String> declared = new HashMap<>();
        final Set<String> used = new HashSet<>();
        /** Free names used in closures below this scope before any declaration here. */
        final Set<String> usedBelow = new HashSet<>();
        final boolean top;

        Scope(Scope parent, boolean top) {
            this.parent = parent;
            this.top = top;
        }

        String lookup(String name) {
            for (Scope s = this; s != null; s = s.parent) {
                String n = s.declared.get(name);
                if (n != null) return n;
            }
            return null;
        }
    }

    LocalVars(List<RegoError> errors, Map<String, String> originalNames, int[] counter) {
        this.errors = errors;
        this.originalNames = originalNames;
        this.counter = counter;
    }

    /** Rewrites a rule or query body; {@code args} are variables already declared (function args). */
    List<Expr> rewriteTop(List<Expr> body, Set<String> predeclared) {
        Scope s = new Scope(null, true);
        for (String a : predeclared) s.declared.put(a, a);
        return body(body, s);
    }

    /** Rewrites a head term against the declarations of the top-level body scope. */
    private Scope lastTop;

    Term rewriteHeadTerm(Term t) {
        return lastTop == null ? t : term(t, lastTop);
    }

    private List<Expr> body(List<Expr> body, Scope s) {
        if (s.top) lastTop = s;
        List<Expr> out = new ArrayList<>(body.size());
        for (Expr e : body) out.add(expr(e, s));
        return out;
    }

    private Expr expr(Expr e, Scope s) {
        List<Expr.With> withs = new ArrayList<>();
        for (Expr.With w : e.withs()) {
            withs.add(new Expr.With(w.target(), term(w.value(), s), w.location()));
        }
        Expr.Kind k = switch (e.kind()) {
            case Expr.SomeDecl d -> {
                List<Term.Var> vs = new ArrayList<>();
                for (Term.Var v : d.vars()) vs.add(declare(v, s, "declared"));
                yield new Expr.SomeDecl(vs);
            }
            case Expr.SomeIn si -> {
                Term coll = term(si.collection(), s);
                Term key = si.key() == null ? null : declarePattern(si.key(), s, "declared");
                Term value = declarePattern(si.value(), s, "declared");
                yield new Expr.SomeIn(key, value, coll);
            }
            case Expr.Every ev -> {
                Term dom = term(ev.domain(), s);
                Scope inner = new Scope(s, false);
                Term key = ev.key() == null ? null : declarePattern(ev.key(), inner, "declared");
                Term value = declarePattern(ev.value(), inner, "declared");
                yield new Expr.Every(key, value, dom, body(ev.body(), inner));
            }
            case Expr.TermExpr te -> {
                if (te.term() instanceof Term.Call c && c.name().equals("assign") && c.args().size() == 2) {
                    Term rhs = term(c.args().get(1), s);
                    Term lhs = c.args().get(0);
                    if (!isAssignable(lhs)) {
                        errors.add(new RegoError(RegoError.COMPILE, "cannot assign to " + describe(lhs), e.location()));
                        yield te;
                    }
                    lhs = declarePattern(lhs, s, "assigned");
                    yield new Expr.TermExpr(new Term.Call(c.op(), List.of(lhs, rhs), c.location()));
                }
                yield new Expr.TermExpr(term(te.term(), s));
            }
        };
        if (s.top) lastTop = s;
        return new Expr(k, e.negated(), withs, e.location());
    }

    private static String describe(Term t) {
        return switch (t) {
            case Term.Ref r -> "ref";
            case Term.Call c -> "call";
            case Term.Scalar sc -> sc.value().typeName();
            default -> t.getClass().getSimpleName().toLowerCase().replace("term", "");
        };
    }

    private static boolean isAssignable(Term t) {
        return switch (t) {
            case Term.Var v -> true;
            case Term.ArrayTerm a -> a.items().stream().allMatch(LocalVars::isAssignableInner);
            case Term.ObjectTerm o -> o.values().stream().allMatch(LocalVars::isAssignableInner);
            default -> false;
        };
    }

    private static boolean isAssignableInner(Term t) {
        return t instanceof Term.Scalar || isAssignable(t);
    }

    private Term declarePattern(Term t, Scope s, String how) {
        return switch (t) {
            case Term.Var v -> declare(v, s, how);
            case Term.ArrayTerm a -> {
                List<Term> items = new ArrayList<>();
                for (Term i : a.items()) items.add(declarePattern(i, s, how));
                yield new Term.ArrayTerm(items, a.location());
            }
            case Term.ObjectTerm o -> {
                List<Term> keys = new ArrayList<>();
                List<Term> vals = new ArrayList<>();
                for (int i = 0; i < o.keys().size(); i++) {
                    keys.add(term(o.keys().get(i), s));
                    vals.add(declarePattern(o.values().get(i), s, how));
                }
                yield new Term.ObjectTerm(keys, vals, o.location());
            }
            default -> term(t, s);
        };
    }

    private Term.Var declare(Term.Var v, Scope s, String how) {
        if (v.name().startsWith("$")) {
            return v; // wildcards are unique already
        }
        if (s.declared.containsKey(v.name())) {
            errors.add(new RegoError(RegoError.COMPILE, "var " + v.name() + " " + (how.equals("assigned") ? "assigned" : "declared") + " above", v.location()));
            return new Term.Var(s.declared.get(v.name()), v.location());
        }
        if (s.used.contains(v.name())) {
            errors.add(new RegoError(RegoError.COMPILE, "var " + v.name() + " referenced above", v.location()));
        }
        String name = v.name();
        // A top-level name already used freely inside a comprehension above stays free there:
        // the declaration gets a fresh name, as OPA renames every declared variable.
        if (!s.top || s.usedBelow.contains(v.name())) {
            name = "__l" + counter[0]++ + "__";
            originalNames.put(name, v.name());
        }
        s.declared.put(v.name(), name);
        return new Term.Var(name, v.location());
    }

    private Term term(Term t, Scope s) {
        return switch (t) {
            case Term.Var v -> {
                String n = s.lookup(v.name());
                if (n == null) {
                    s.used.add(v.name());
                    for (Scope p = s.parent; p != null; p = p.parent) p.usedBelow.add(v.name());
                    yield v;
                }
                yield n.equals(v.name()) ? v : new Term.Var(n, v.location());
            }
            case Term.ArrayCompr c -> {
                Scope inner = new Scope(s, false);
                List<Expr> b = body(c.body(), inner);
                yield new Term.ArrayCompr(term(c.head(), inner), b, c.location());
            }
            case Term.SetCompr c -> {
                Scope inner = new Scope(s, false);
                List<Expr> b = body(c.body(), inner);
                yield new Term.SetCompr(term(c.head(), inner), b, c.location());
            }
            case Term.ObjectCompr c -> {
                Scope inner = new Scope(s, false);
                List<Expr> b = body(c.body(), inner);
                yield new Term.ObjectCompr(term(c.key(), inner), term(c.value(), inner), b, c.location());
            }
            case Term.TemplateString ts -> {
                List<Object> parts = new ArrayList<>();
                for (Object o : ts.parts()) {
                    if (o instanceof Expr e) {
                        Scope inner = new Scope(s, false);
                        parts.add(expr(e, inner));
                    } else {
                        parts.add(o);
                    }
                }
                yield new Term.TemplateString(parts, ts.raw(), ts.location());
            }
            case Term.Ref r -> {
                List<Term> path = new ArrayList<>();
                for (Term p : r.path()) path.add(term(p, s));
                yield new Term.Ref(path, r.location());
            }
            case Term.Call c -> {
                List<Term> args = new ArrayList<>();
                for (Term a : c.args()) args.add(term(a, s));
                yield new Term.Call(c.op(), args, c.location());
            }
            case Term.ArrayTerm a -> new Term.ArrayTerm(a.items().stream().map(x -> term(x, s)).toList(), a.location());
            case Term.SetTerm a -> new Term.SetTerm(a.items().stream().map(x -> term(x, s)).toList(), a.location());
            case Term.ObjectTerm o -> new Term.ObjectTerm(o.keys().stream().map(x -> term(x, s)).toList(),
                    o.values().stream().map(x -> term(x, s)).toList(), o.location());
            case Term.Scalar sc -> sc;
        };
    }
}
