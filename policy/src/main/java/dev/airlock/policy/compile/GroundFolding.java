package dev.airlock.policy.compile;

import dev.airlock.policy.ast.Expr;
import dev.airlock.policy.ast.Head;
import dev.airlock.policy.ast.Rule;
import dev.airlock.policy.ast.Term;
import dev.airlock.policy.ast.Terms;
import dev.airlock.policy.value.Value;
import java.util.ArrayList;
import java.util.List;

/**
 * The last compiler pass: array, set and object terms without variables, references or calls
 * become their values ({@code ["."]} is built once here, not on every evaluation). Runs after
 * safety ordering and type checking, which look at the terms' shapes.
 */
final class GroundFolding {
    private GroundFolding() {}

    static Rule rule(Rule r) {
        Head h = r.head();
        Head nh = new Head((Term.Ref) term(h.ref()), h.args(), h.key() == null ? null : term(h.key()),
                h.value() == null ? null : term(h.value()), h.assign(), h.location());
        return new Rule(r.isDefault(), nh, body(r.body()), r.elseRule() == null ? null : rule(r.elseRule()),
                r.annotations(), r.location());
    }

    static List<Expr> body(List<Expr> body) {
        List<Expr> out = new ArrayList<>(body.size());
        for (Expr e : body) out.add(expr(e));
        return out;
    }

    private static Expr expr(Expr e) {
        List<Expr.With> withs = new ArrayList<>(e.withs().size());
        for (Expr.With w : e.withs()) withs.add(new Expr.With(w.target(), term(w.value()), w.location()));
        Expr.Kind k = switch (e.kind()) {
            case Expr.TermExpr te -> new Expr.TermExpr(term(te.term()));
            case Expr.SomeDecl d -> d;
            case Expr.SomeIn si -> new Expr.SomeIn(si.key(), si.value(), term(si.collection()));
            case Expr.Every ev -> new Expr.Every(ev.key(), ev.value(), term(ev.domain()), body(ev.body()));
        };
        return new Expr(k, e.negated(), withs, e.location());
    }

    static Term term(Term t) {
        return Terms.map(t, GroundFolding::fold, GroundFolding::body);
    }

    private static Term fold(Term t) {
        if (t instanceof Term.ArrayTerm || t instanceof Term.SetTerm || t instanceof Term.ObjectTerm) {
            Value v = Terms.groundValue(t);
            if (v != null) return new Term.Scalar(v, t.location());
        }
        return t;
    }
}
