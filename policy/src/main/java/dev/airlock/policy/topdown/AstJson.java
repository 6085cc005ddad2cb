package dev.airlock.policy.topdown;

import dev.airlock.policy.ast.Expr;
import dev.airlock.policy.ast.Head;
import dev.airlock.policy.ast.Import;
import dev.airlock.policy.ast.Module;
import dev.airlock.policy.ast.Rule;
import dev.airlock.policy.ast.Term;
import dev.airlock.policy.value.ArrayValue;
import dev.airlock.policy.value.BoolValue;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.StringValue;
import dev.airlock.policy.value.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * A parsed module as the JSON document OPA's {@code rego.parse_module} returns: terms are
 * {@code {"type": ..., "value": ...}}, expressions {@code {"index": i, "terms": ...}}, rules
 * {@code {"head": ..., "body": [...]}}. Locations are left out.
 */
final class AstJson {
    private AstJson() {}

    static Value module(Module m) {
        TreeMap<Value, Value> o = new TreeMap<>();
        o.put(s("package"), obj("path", terms(m.pkg().path())));
        if (!m.imports().isEmpty()) {
            List<Value> imps = new ArrayList<>();
            for (Import i : m.imports()) {
                TreeMap<Value, Value> io = new TreeMap<>();
                io.put(s("path"), term(i.path()));
                if (i.alias() != null) io.put(s("alias"), s(i.alias()));
                imps.add(ObjectValue.wrap(io));
            }
            o.put(s("imports"), new ArrayValue(imps));
        }
        if (!m.rules().isEmpty()) {
            List<Value> rules = new ArrayList<>();
            for (Rule r : m.rules()) rules.add(rule(r));
            o.put(s("rules"), new ArrayValue(rules));
        }
        return ObjectValue.wrap(o);
    }

    private static Value rule(Rule r) {
        TreeMap<Value, Value> o = new TreeMap<>();
        if (r.isDefault()) o.put(s("default"), BoolValue.TRUE);
        o.put(s("head"), head(r.head()));
        o.put(s("body"), body(r.body()));
        if (r.elseRule() != null) o.put(s("else"), rule(r.elseRule()));
        return ObjectValue.wrap(o);
    }

    private static Value head(Head h) {
        TreeMap<Value, Value> o = new TreeMap<>();
        if (h.ref().path().size() == 1) o.put(s("name"), s(h.name()));
        o.put(s("ref"), terms(h.ref().path()));
        if (h.args() != null) o.put(s("args"), terms(h.args()));
        if (h.key() != null) o.put(s("key"), term(h.key()));
        if (h.value() != null) o.put(s("value"), term(h.value()));
        if (h.assign()) o.put(s("assign"), BoolValue.TRUE);
        return ObjectValue.wrap(o);
    }

    private static Value body(List<Expr> body) {
        List<Value> out = new ArrayList<>();
        for (int i = 0; i < body.size(); i++) out.add(expr(body.get(i), i));
        return new ArrayValue(out);
    }

    private static Value expr(Expr e, int index) {
        TreeMap<Value, Value> o = new TreeMap<>();
        o.put(s("index"), dev.airlock.policy.value.NumberValue.of(index));
        if (e.negated()) o.put(s("negated"), BoolValue.TRUE);
        Value terms = switch (e.kind()) {
            case Expr.TermExpr te -> te.term() instanceof Term.Call c ? callTerms(c) : term(te.term());
            case Expr.SomeDecl d -> {
                List<Term> vs = new ArrayList<>(d.vars());
                yield obj2("type", s("some"), "value", terms(vs));
            }
            case Expr.SomeIn si -> {
                List<Term> args = new ArrayList<>();
                if (si.key() != null) args.add(si.key());
                args.add(si.value());
                args.add(si.collection());
                yield obj2("type", s("some"), "value", terms(args));
            }
            case Expr.Every ev -> {
                TreeMap<Value, Value> v = new TreeMap<>();
                if (ev.key() != null) v.put(s("key"), term(ev.key()));
                v.put(s("value"), term(ev.value()));
                v.put(s("domain"), term(ev.domain()));
                v.put(s("body"), body(ev.body()));
                yield obj2("type", s("every"), "value", ObjectValue.wrap(v));
            }
        };
        o.put(s("terms"), terms);
        if (!e.withs().isEmpty()) {
            List<Value> ws = new ArrayList<>();
            for (Expr.With w : e.withs()) {
                ws.add(obj2("target", term(w.target()), "value", term(w.value())));
            }
            o.put(s("with"), new ArrayValue(ws));
        }
        return ObjectValue.wrap(o);
    }

    private static Value callTerms(Term.Call c) {
        List<Value> out = new ArrayList<>();
        out.add(term(c.op()));
        for (Term a : c.args()) out.add(term(a));
        return new ArrayValue(out);
    }

    private static Value terms(List<? extends Term> ts) {
        List<Value> out = new ArrayList<>(ts.size());
        for (Term t : ts) out.add(term(t));
        return new ArrayValue(out);
    }

    static Value term(Term t) {
        return switch (t) {
            case Term.Scalar sc -> obj2("type", s(sc.value().typeName()), "value", sc.value());
            case Term.Var v -> obj2("type", s("var"), "value", s(v.name()));
            case Term.Ref r -> obj2("type", s("ref"), "value", terms(r.path()));
            case Term.ArrayTerm a -> obj2("type", s("array"), "value", terms(a.items()));
            case Term.SetTerm st -> obj2("type", s("set"), "value", terms(st.items()));
            case Term.ObjectTerm ot -> {
                List<Value> pairs = new ArrayList<>();
                for (int i = 0; i < ot.keys().size(); i++) {
                    pairs.add(ArrayValue.of(term(ot.keys().get(i)), term(ot.values().get(i))));
                }
                yield obj2("type", s("object"), "value", new ArrayValue(pairs));
            }
            case Term.Call c -> obj2("type", s("call"), "value", callTerms(c));
            case Term.ArrayCompr c -> obj2("type", s("arraycomprehension"), "value",
                    obj2("term", term(c.head()), "body", body(c.body())));
            case Term.SetCompr c -> obj2("type", s("setcomprehension"), "value",
                    obj2("term", term(c.head()), "body", body(c.body())));
            case Term.ObjectCompr c -> {
                TreeMap<Value, Value> v = new TreeMap<>();
                v.put(s("key"), term(c.key()));
                v.put(s("value"), term(c.value()));
                v.put(s("body"), body(c.body()));
                yield obj2("type", s("objectcomprehension"), "value", ObjectValue.wrap(v));
            }
            case Term.TemplateString ts -> obj2("type", s("templatestring"), "value", s(ts.toString()));
        };
    }

    private static StringValue s(String x) {
        return StringValue.of(x);
    }

    private static Value obj(String k, Value v) {
        return ObjectValue.of(k, v);
    }

    private static Value obj2(String k1, Value v1, String k2, Value v2) {
        TreeMap<Value, Value> m = new TreeMap<>();
        m.put(s(k1), v1);
        m.put(s(k2), v2);
        return ObjectValue.wrap(m);
    }
}
