package dev.airlock.policy.compile;

import dev.airlock.policy.ast.Expr;
import dev.airlock.policy.ast.RegoError;
import dev.airlock.policy.ast.Rule;
import dev.airlock.policy.ast.Term;
import dev.airlock.policy.builtins.Builtin;
import dev.airlock.policy.builtins.BuiltinRegistry;
import dev.airlock.policy.types.Type;
import dev.airlock.policy.types.Types;
import dev.airlock.policy.value.ArrayValue;
import dev.airlock.policy.value.BoolValue;
import dev.airlock.policy.value.NullValue;
import dev.airlock.policy.value.NumberValue;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.SetValue;
import dev.airlock.policy.value.StringValue;
import dev.airlock.policy.value.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The compile-time type check of builtin calls ({@code rego_type_error}), after OPA's
 * checker: variable types are inferred through each (safety-ordered) body from literals,
 * assignments, builtin results and references into typed values; a builtin argument whose
 * type cannot overlap the declared parameter type is an error naming the call's location,
 * the types it has and the types it wants.
 *
 * <p>The check is conservative: {@code input}, {@code data}, rules and user functions are
 * {@code any}, so only arguments that are certainly wrong are reported (what OPA's suite
 * expects at compile time, e.g. {@code count(1)} or {@code concat(1, [])}); everything else
 * is left to evaluation.
 */
final class TypeChecker {
    private static final Type ANY = Types.A;

    private final BuiltinRegistry builtins;
    private final List<RegoError> errors;

    TypeChecker(BuiltinRegistry builtins, List<RegoError> errors) {
        this.builtins = builtins;
        this.errors = errors;
    }

    /** Checks a rule (its else chain too); function arguments start as any. */
    void checkRule(Rule r) {
        for (Rule x = r; x != null; x = x.elseRule()) {
            Map<String, Type> env = new HashMap<>();
            body(x.body(), env);
            if (x.head().value() != null) type(x.head().value(), env);
            if (x.head().key() != null) type(x.head().key(), env);
            for (int i = 1; i < x.head().ref().path().size(); i++) type(x.head().ref().path().get(i), env);
        }
    }

    /** Checks a query body. */
    void checkBody(List<Expr> body) {
        body(body, new HashMap<>());
    }

    private void body(List<Expr> body, Map<String, Type> env) {
        for (Expr e : body) expr(e, env);
    }

    private void expr(Expr e, Map<String, Type> env) {
        for (Expr.With w : e.withs()) type(w.value(), env);
        switch (e.kind()) {
            case Expr.SomeDecl d -> { }
            case Expr.SomeIn si -> {
                Type coll = type(si.collection(), env);
                if (!e.negated()) {
                    bind(si.value(), elementType(coll), env);
                    if (si.key() != null) bind(si.key(), keyType(coll), env);
                }
            }
            case Expr.Every ev -> {
                Type dom = type(ev.domain(), env);
                Map<String, Type> inner = new HashMap<>(env);
                bind(ev.value(), elementType(dom), inner);
                if (ev.key() != null) bind(ev.key(), keyType(dom), inner);
                body(ev.body(), inner);
            }
            case Expr.TermExpr te -> {
                if (te.term() instanceof Term.Call c) {
                    String name = c.name();
                    if ((name.equals("eq") || name.equals("assign")) && c.args().size() == 2) {
                        Term a = c.args().get(0);
                        Term b = c.args().get(1);
                        Type ta = type(a, env);
                        Type tb = type(b, env);
                        if (!e.negated()) {
                            bindIfFree(a, tb, env);
                            bindIfFree(b, ta, env);
                        }
                        return;
                    }
                    Builtin bi = builtins.get(name);
                    int n = bi == null || bi.signature().variadic() != null ? -1 : bi.signature().args().size();
                    if (n >= 0 && c.args().size() == n + 1) {
                        Type result = call(c, bi, c.args().subList(0, n), env);
                        if (!e.negated()) bindIfFree(c.args().get(n), result, env);
                        return;
                    }
                }
                type(te.term(), env);
            }
        }
    }

    /** Binds variables of a pattern that have no type yet. */
    private void bindIfFree(Term t, Type ty, Map<String, Type> env) {
        if (t instanceof Term.Var v && !env.containsKey(v.name())) env.put(v.name(), ty);
        else if (t instanceof Term.ArrayTerm a) for (int i = 0; i < a.items().size(); i++) bindIfFree(a.items().get(i), elementAt(ty, i), env);
    }

    private void bind(Term t, Type ty, Map<String, Type> env) {
        bindIfFree(t, ty, env);
    }

    /** The static type of a term, checking the builtin calls inside it. */
    Type type(Term t, Map<String, Type> env) {
        return switch (t) {
            case Term.Scalar s -> scalar(s.value());
            case Term.Var v -> env.getOrDefault(v.name(), ANY);
            case Term.Ref r -> ref(r, env);
            case Term.ArrayTerm a -> {
                List<Type> items = new ArrayList<>(a.items().size());
                for (Term i : a.items()) items.add(type(i, env));
                yield new Type.Array(items, null);
            }
            case Term.SetTerm s -> {
                List<Type> items = new ArrayList<>(s.items().size());
                for (Term i : s.items()) items.add(type(i, env));
                yield Types.setOf(union(items));
            }
            case Term.ObjectTerm o -> {
                Map<Value, Type> known = new LinkedHashMap<>();
                List<Type> dynKeys = new ArrayList<>();
                List<Type> dynValues = new ArrayList<>();
                for (int i = 0; i < o.keys().size(); i++) {
                    Term k = o.keys().get(i);
                    Type kt = type(k, env);
                    Type vt = type(o.values().get(i), env);
                    if (k instanceof Term.Scalar sc) {
                        known.put(sc.value(), vt);
                    } else {
                        dynKeys.add(kt);
                        dynValues.add(vt);
                    }
                }
                yield dynKeys.isEmpty() ? new Type.Object(known, null, null)
                        : new Type.Object(known, union(dynKeys), union(dynValues));
            }
            case Term.Call c -> {
                Builtin bi = builtins.get(c.name());
                if (bi == null) {
                    for (Term a : c.args()) type(a, env);
                    yield ANY;
                }
                yield call(c, bi, c.args(), env);
            }
            case Term.ArrayCompr c -> {
                Map<String, Type> inner = new HashMap<>(env);
                body(c.body(), inner);
                type(c.head(), inner);
                yield Types.arrayOf(ANY); // as OPA: a comprehension's elements are not typed
            }
            case Term.SetCompr c -> {
                Map<String, Type> inner = new HashMap<>(env);
                body(c.body(), inner);
                type(c.head(), inner);
                yield Types.setOf(ANY);
            }
            case Term.ObjectCompr c -> {
                Map<String, Type> inner = new HashMap<>(env);
                body(c.body(), inner);
                type(c.key(), inner);
                type(c.value(), inner);
                yield Types.objectOf(ANY, ANY);
            }
            case Term.TemplateString ts -> {
                for (Object o : ts.parts()) {
                    if (o instanceof Expr e) expr(e, new HashMap<>(env));
                }
                yield Types.S;
            }
        };
    }

    /** Checks the arguments of a builtin call and returns its result type. */
    private Type call(Term.Call c, Builtin bi, List<Term> args, Map<String, Type> env) {
        List<Type> have = new ArrayList<>(args.size());
        for (Term a : args) have.add(type(a, env));
        Type.Function sig = bi.signature();
        boolean bad = false;
        for (int i = 0; i < have.size(); i++) {
            Type want = i < sig.args().size() ? sig.args().get(i) : sig.variadic();
            if (want != null && !overlaps(have.get(i), want)) bad = true;
        }
        if (bad) {
            List<String> wantText = new ArrayList<>();
            for (Type w : sig.args()) wantText.add(Types.describe(w));
            if (sig.variadic() != null) wantText.add(Types.describe(sig.variadic()) + "...");
            errors.add(new RegoError(RegoError.TYPE, c.name() + ": invalid argument(s)\n\thave: ("
                    + String.join(", ", have.stream().map(Types::describe).toList()) + ")\n\twant: ("
                    + String.join(", ", wantText) + ")", c.location()));
        }
        return sig.result() == null ? ANY : sig.result();
    }

    private Type ref(Term.Ref r, Map<String, Type> env) {
        Type t = r.head() instanceof Term.Var v ? env.getOrDefault(v.name(), ANY) : type(r.head(), env);
        if (r.head() instanceof Term.Var v && (v.name().equals("input") || v.name().equals("data"))) t = ANY;
        for (int i = 1; i < r.path().size(); i++) {
            Term k = r.path().get(i);
            type(k, env);
            t = child(t, k);
        }
        return t;
    }

    /** The type of {@code x[k]} for x of type t. */
    private static Type child(Type t, Term k) {
        return switch (t) {
            case Type.Array a -> {
                if (k instanceof Term.Scalar s && s.value() instanceof NumberValue n && n.toIntExact() != null) {
                    int i = n.toIntExact();
                    if (i >= 0 && i < a.positional().size()) yield a.positional().get(i);
                    yield a.dynamic() == null ? ANY : a.dynamic();
                }
                yield elementType(a);
            }
            case Type.Object o -> {
                if (k instanceof Term.Scalar s && o.known().containsKey(s.value())) yield o.known().get(s.value());
                yield elementType(o);
            }
            case Type.Set s -> s.of();
            default -> ANY;
        };
    }

    /** The type of the values of a collection (for iteration). */
    private static Type elementType(Type t) {
        return switch (t) {
            case Type.Array a -> {
                List<Type> all = new ArrayList<>(a.positional());
                if (a.dynamic() != null) all.add(a.dynamic());
                yield all.isEmpty() ? ANY : union(all);
            }
            case Type.Object o -> {
                List<Type> all = new ArrayList<>(o.known().values());
                if (o.dynamicValue() != null) all.add(o.dynamicValue());
                yield all.isEmpty() ? ANY : union(all);
            }
            case Type.Set s -> s.of();
            default -> ANY;
        };
    }

    private static Type keyType(Type t) {
        return switch (t) {
            case Type.Array a -> Types.N;
            case Type.Set s -> s.of();
            default -> ANY;
        };
    }

    private static Type elementAt(Type t, int i) {
        if (t instanceof Type.Array a) {
            if (i < a.positional().size()) return a.positional().get(i);
            return a.dynamic() == null ? ANY : a.dynamic();
        }
        return ANY;
    }

    private static Type scalar(Value v) {
        return switch (v) {
            case NullValue n -> Types.NULL;
            case BoolValue b -> Types.B;
            case NumberValue n -> Types.N;
            case StringValue s -> Types.S;
            case ArrayValue a -> ANY;
            case ObjectValue o -> ANY;
            case SetValue s -> ANY;
        };
    }

    /** The union of types; any absorbs everything. */
    private static Type union(List<Type> ts) {
        if (ts.isEmpty()) return ANY;
        List<Type> members = new ArrayList<>();
        for (Type t : ts) {
            if (t instanceof Type.Any a) {
                if (a.of().isEmpty()) return ANY;
                for (Type m : a.of()) if (!members.contains(m)) members.add(m);
            } else if (!members.contains(t)) {
                members.add(t);
            }
        }
        return members.size() == 1 ? members.getFirst() : new Type.Any(List.copyOf(members));
    }

    /** True when some value could have both types; any overlaps everything. */
    static boolean overlaps(Type a, Type b) {
        if (a instanceof Type.Any x) {
            if (x.of().isEmpty()) return true;
            for (Type m : x.of()) if (overlaps(m, b)) return true;
            return false;
        }
        if (b instanceof Type.Any y) {
            if (y.of().isEmpty()) return true;
            for (Type m : y.of()) if (overlaps(a, m)) return true;
            return false;
        }
        return switch (a) {
            case Type.Null n -> b instanceof Type.Null;
            case Type.Boolean x -> b instanceof Type.Boolean;
            case Type.Number x -> b instanceof Type.Number;
            case Type.String x -> b instanceof Type.String;
            case Type.Array x -> b instanceof Type.Array y && arraysOverlap(x, y);
            case Type.Set x -> b instanceof Type.Set y && overlaps(x.of(), y.of());
            case Type.Object x -> b instanceof Type.Object y && objectsOverlap(x, y);
            case Type.Function f -> b instanceof Type.Function;
            case Type.Any x -> true;
        };
    }

    private static boolean arraysOverlap(Type.Array x, Type.Array y) {
        int xs = x.positional().size();
        int ys = y.positional().size();
        // A fixed-length side must be able to have the other side's fixed positions.
        if (x.dynamic() == null && (xs < ys || y.dynamic() == null && xs != ys)) return false;
        if (y.dynamic() == null && ys < xs) return false;
        for (int i = 0; i < Math.max(xs, ys); i++) {
            Type xi = i < xs ? x.positional().get(i) : x.dynamic();
            Type yi = i < ys ? y.positional().get(i) : y.dynamic();
            if (xi != null && yi != null && !overlaps(xi, yi)) return false;
        }
        return x.dynamic() == null || y.dynamic() == null || overlaps(x.dynamic(), y.dynamic());
    }

    private static boolean objectsOverlap(Type.Object x, Type.Object y) {
        for (Map.Entry<Value, Type> e : x.known().entrySet()) {
            Type other = y.known().get(e.getKey());
            if (other == null && y.dynamicKey() != null && overlaps(scalarOf(e.getKey()), y.dynamicKey())) {
                other = y.dynamicValue();
            }
            if (other != null && !overlaps(e.getValue(), other)) return false;
        }
        if (x.dynamicKey() != null && y.dynamicKey() != null) {
            return overlaps(x.dynamicKey(), y.dynamicKey()) && overlaps(x.dynamicValue(), y.dynamicValue());
        }
        return true;
    }

    private static Type scalarOf(Value key) {
        return key instanceof StringValue ? Types.S : key instanceof NumberValue ? Types.N : ANY;
    }
}
