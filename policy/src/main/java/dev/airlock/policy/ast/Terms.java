package dev.airlock.policy.ast;

import dev.airlock.policy.value.ArrayValue;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.SetValue;
import dev.airlock.policy.value.StringValue;
import dev.airlock.policy.value.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/** Helpers over terms: names, ground values, variable sets and structural rewriting. */
public final class Terms {
    private Terms() {}

    /** Dotted text of a ref made of a var and string keys ({@code data.a.b}); other keys in brackets. */
    public static String refName(Term.Ref ref) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ref.path().size(); i++) {
            Term t = ref.path().get(i);
            if (i == 0) {
                sb.append(t instanceof Term.Var v ? v.name() : t.toString());
            } else if (t instanceof Term.Scalar s && s.value() instanceof StringValue str) {
                sb.append('.').append(str.value());
            } else {
                sb.append('[').append(t).append(']');
            }
        }
        return sb.toString();
    }

    /** The ref as strings (head var name, then string keys); null when any element is not a string. */
    public static List<String> stringPath(Term.Ref ref) {
        List<String> out = new ArrayList<>(ref.path().size());
        for (int i = 0; i < ref.path().size(); i++) {
            Term t = ref.path().get(i);
            if (i == 0 && t instanceof Term.Var v) out.add(v.name());
            else if (t instanceof Term.Scalar s && s.value() instanceof StringValue str) out.add(str.value());
            else return null;
        }
        return out;
    }

    /** Makes {@code data.a.b} from {@code ["data","a","b"]}. */
    public static Term.Ref ref(List<String> path, Location l) {
        List<Term> terms = new ArrayList<>();
        terms.add(new Term.Var(path.getFirst(), l));
        for (int i = 1; i < path.size(); i++) terms.add(new Term.Scalar(StringValue.of(path.get(i)), l));
        return new Term.Ref(terms, l);
    }

    /** The value of a term that contains no variables, refs, calls or comprehensions; else null. */
    public static Value groundValue(Term t) {
        switch (t) {
            case Term.Scalar s -> {
                return s.value();
            }
            case Term.ArrayTerm a -> {
                List<Value> out = new ArrayList<>(a.items().size());
                for (Term i : a.items()) {
                    Value v = groundValue(i);
                    if (v == null) return null;
                    out.add(v);
                }
                return new ArrayValue(out);
            }
            case Term.SetTerm s -> {
                TreeSet<Value> out = new TreeSet<>();
                for (Term i : s.items()) {
                    Value v = groundValue(i);
                    if (v == null) return null;
                    out.add(v);
                }
                return SetValue.wrap(out);
            }
            case Term.ObjectTerm o -> {
                TreeMap<Value, Value> out = new TreeMap<>();
                for (int i = 0; i < o.keys().size(); i++) {
                    Value k = groundValue(o.keys().get(i));
                    Value v = groundValue(o.values().get(i));
                    if (k == null || v == null) return null;
                    out.put(k, v);
                }
                return ObjectValue.wrap(out);
            }
            default -> {
                return null;
            }
        }
    }

    /** Every variable occurring in the term, including inside comprehensions. */
    public static void vars(Term t, Set<String> out) {
        walk(t, x -> {
            if (x instanceof Term.Var v) out.add(v.name());
            return true;
        });
    }

    /** Visits terms depth-first; the visitor returns false to skip a term's children. */
    public static void walk(Term t, Function<Term, Boolean> visit) {
        if (!visit.apply(t)) return;
        switch (t) {
            case Term.Ref r -> r.path().forEach(x -> walk(x, visit));
            case Term.ArrayTerm a -> a.items().forEach(x -> walk(x, visit));
            case Term.SetTerm s -> s.items().forEach(x -> walk(x, visit));
            case Term.ObjectTerm o -> {
                o.keys().forEach(x -> walk(x, visit));
                o.values().forEach(x -> walk(x, visit));
            }
            case Term.Call c -> {
                // The callee is a name, not variables: visit it, but not its parts.
                visit.apply(c.op());
                c.args().forEach(x -> walk(x, visit));
            }
            case Term.ArrayCompr c -> {
                walk(c.head(), visit);
                walkBody(c.body(), visit);
            }
            case Term.SetCompr c -> {
                walk(c.head(), visit);
                walkBody(c.body(), visit);
            }
            case Term.ObjectCompr c -> {
                walk(c.key(), visit);
                walk(c.value(), visit);
                walkBody(c.body(), visit);
            }
            case Term.TemplateString ts -> {
                for (Object o : ts.parts()) if (o instanceof Expr e) walkExpr(e, visit);
            }
            default -> { }
        }
    }

    public static void walkBody(List<Expr> body, Function<Term, Boolean> visit) {
        for (Expr e : body) walkExpr(e, visit);
    }

    public static void walkExpr(Expr e, Function<Term, Boolean> visit) {
        switch (e.kind()) {
            case Expr.TermExpr t -> walk(t.term(), visit);
            case Expr.SomeDecl s -> s.vars().forEach(v -> walk(v, visit));
            case Expr.SomeIn s -> {
                if (s.key() != null) walk(s.key(), visit);
                walk(s.value(), visit);
                walk(s.collection(), visit);
            }
            case Expr.Every ev -> {
                if (ev.key() != null) walk(ev.key(), visit);
                walk(ev.value(), visit);
                walk(ev.domain(), visit);
                walkBody(ev.body(), visit);
            }
        }
        for (Expr.With w : e.withs()) {
            walk(w.target(), visit);
            walk(w.value(), visit);
        }
    }

    /**
     * Rebuilds a term bottom-up: children are rewritten first, then {@code f} is applied to
     * the rebuilt node. Bodies of comprehensions are rewritten with {@code bodyFn}.
     */
    public static Term map(Term t, Function<Term, Term> f, Function<List<Expr>, List<Expr>> bodyFn) {
        Term rebuilt = switch (t) {
            case Term.Ref r -> new Term.Ref(mapAll(r.path(), f, bodyFn), r.location());
            case Term.ArrayTerm a -> new Term.ArrayTerm(mapAll(a.items(), f, bodyFn), a.location());
            case Term.SetTerm s -> new Term.SetTerm(mapAll(s.items(), f, bodyFn), s.location());
            case Term.ObjectTerm o -> new Term.ObjectTerm(mapAll(o.keys(), f, bodyFn), mapAll(o.values(), f, bodyFn), o.location());
            case Term.Call c -> {
                Term op = map(c.op(), f, bodyFn);
                yield new Term.Call(op instanceof Term.Ref r ? r : new Term.Ref(List.of(op), c.op().location()),
                        mapAll(c.args(), f, bodyFn), c.location());
            }
            case Term.ArrayCompr c -> new Term.ArrayCompr(map(c.head(), f, bodyFn), bodyFn.apply(c.body()), c.location());
            case Term.SetCompr c -> new Term.SetCompr(map(c.head(), f, bodyFn), bodyFn.apply(c.body()), c.location());
            case Term.ObjectCompr c -> new Term.ObjectCompr(map(c.key(), f, bodyFn), map(c.value(), f, bodyFn),
                    bodyFn.apply(c.body()), c.location());
            case Term.TemplateString ts -> {
                List<Object> parts = new ArrayList<>();
                for (Object o : ts.parts()) {
                    if (o instanceof Expr e) {
                        List<Expr> one = bodyFn.apply(List.of(e));
                        parts.add(one.getFirst());
                    } else {
                        parts.add(o);
                    }
                }
                yield new Term.TemplateString(parts, ts.raw(), ts.location());
            }
            default -> t;
        };
        return f.apply(rebuilt);
    }

    private static List<Term> mapAll(List<Term> ts, Function<Term, Term> f, Function<List<Expr>, List<Expr>> bodyFn) {
        List<Term> out = new ArrayList<>(ts.size());
        for (Term t : ts) out.add(map(t, f, bodyFn));
        return out;
    }
}
