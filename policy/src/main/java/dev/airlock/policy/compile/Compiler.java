package dev.airlock.policy.compile;

import dev.airlock.policy.ast.Annotation;
import dev.airlock.policy.ast.Expr;
import dev.airlock.policy.ast.Head;
import dev.airlock.policy.ast.Import;
import dev.airlock.policy.ast.Location;
import dev.airlock.policy.ast.Module;
import dev.airlock.policy.ast.Parser;
import dev.airlock.policy.ast.RegoError;
import dev.airlock.policy.ast.RegoException;
import dev.airlock.policy.ast.Rule;
import dev.airlock.policy.ast.Term;
import dev.airlock.policy.ast.Terms;
import dev.airlock.policy.builtins.Builtin;
import dev.airlock.policy.builtins.BuiltinRegistry;
import dev.airlock.policy.value.StringValue;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Compiles parsed modules into a {@link CompiledPolicy}, in OPA's order of passes: build the
 * rule tree and check conflicting definitions, resolve names (package rules, imports),
 * rename nested local variables, order bodies for safety, check recursion, then check calls
 * against known functions and builtins. All errors of a pass are collected before stopping.
 */
public final class Compiler {
    /** Marks a with-value that names a builtin function rather than a value. */
    public static final String BUILTIN_REF = "__builtin__";

    private final BuiltinRegistry builtins;
    private final List<RegoError> errors = new ArrayList<>();
    private final Map<String, String> originalNames = new HashMap<>();
    private final int[] counter = new int[1];
    private final RuleNode root = new RuleNode(List.of());
    private final Map<List<String>, Set<String>> packageRules = new HashMap<>();

    private Compiler(BuiltinRegistry builtins) {
        this.builtins = builtins;
    }

    /** Compiles modules; throws a RegoException carrying every error found. */
    public static CompiledPolicy compile(List<Module> modules, BuiltinRegistry builtins) {
        Compiler c = new Compiler(builtins);
        return c.run(modules);
    }

    private void fail() {
        if (!errors.isEmpty()) {
            List<RegoError> sorted = new ArrayList<>(errors);
            throw new RegoException(sorted);
        }
    }

    private CompiledPolicy run(List<Module> modules) {
        // Pass 1: rule tree.
        Map<List<String>, List<Annotation>> pkgAnnotations = new LinkedHashMap<>();
        for (Module m : modules) {
            List<String> pkg = m.packagePath();
            packageRules.computeIfAbsent(pkg, k -> new HashSet<>());
            pkgAnnotations.computeIfAbsent(pkg, k -> new ArrayList<>()).addAll(m.annotations());
            for (Rule r : m.rules()) packageRules.get(pkg).add(r.head().name());
        }
        List<Module> resolved = new ArrayList<>();
        for (Module m : modules) {
            List<Rule> rules = new ArrayList<>();
            for (Rule r : m.rules()) rules.add(resolveRule(m, r));
            resolved.add(m.withRules(rules));
        }
        fail();
        for (Module m : resolved) {
            RuleNode pkgNode = root;
            for (String k : m.packagePath()) pkgNode = pkgNode.childOrCreate(k);
            pkgNode.markPackage();
            for (Rule r : m.rules()) addToTree(m, r);
        }
        root.markRules();
        checkConflicts(root);
        fail();
        // Pass 2: local variables and safety, per rule.
        compileNode(root);
        fail();
        checkRecursion();
        fail();
        markNodes();
        checkCalls();
        fail();
        checkTypes(root);
        fail();
        fold(root);
        return new CompiledPolicy(root, resolved, builtins, pkgAnnotations, this);
    }

    // ---- rule tree ----

    private void addToTree(Module m, Rule r) {
        Head h = r.head();
        List<String> path = new ArrayList<>(m.packagePath());
        path.add(h.name());
        List<Term> rest = h.ref().path().subList(1, h.ref().path().size());
        int i = 0;
        while (i < rest.size() && rest.get(i) instanceof Term.Scalar s && s.value() instanceof StringValue str) {
            path.add(str.value());
            i++;
        }
        List<Term> suffix = rest.subList(i, rest.size());
        CompiledRule.Kind kind;
        if (h.isFunction()) {
            kind = CompiledRule.Kind.FUNCTION;
            if (!suffix.isEmpty()) {
                errors.add(new RegoError(RegoError.TYPE, "function " + h.ref() + " must have a ground name", r.location()));
            }
        } else if (!suffix.isEmpty()) {
            kind = CompiledRule.Kind.OBJECT;
        } else if (h.isMultiValue()) {
            kind = CompiledRule.Kind.MULTI_VALUE;
        } else {
            kind = CompiledRule.Kind.COMPLETE;
        }
        if (r.isDefault() && kind == CompiledRule.Kind.OBJECT) {
            errors.add(new RegoError(RegoError.TYPE, "default rules must have a ground reference: " + h.ref(), r.location()));
        }
        RuleNode node = root;
        for (String k : path) node = node.childOrCreate(k);
        node.add(new CompiledRule(r, kind, suffix, path, m));
    }

    private void checkConflicts(RuleNode node) {
        if (node.hasRules()) {
            Set<CompiledRule.Kind> kinds = new HashSet<>();
            int defaults = 0;
            Set<Integer> arities = new HashSet<>();
            for (CompiledRule r : node.rules()) {
                kinds.add(r.kind());
                if (r.rule().isDefault()) defaults++;
                if (r.kind() == CompiledRule.Kind.FUNCTION) arities.add(r.rule().head().args().size());
            }
            Location loc = node.rules().getFirst().rule().location();
            if (kinds.size() > 1 && !(kinds.size() == 2 && kinds.contains(CompiledRule.Kind.OBJECT)
                    && kinds.contains(CompiledRule.Kind.COMPLETE) && false)) {
                errors.add(new RegoError(RegoError.TYPE, "conflicting rules " + node.name() + " found", loc));
            } else if (arities.size() > 1) {
                errors.add(new RegoError(RegoError.TYPE, "conflicting rules " + node.name() + " found", loc));
            }
            if (defaults > 1) {
                errors.add(new RegoError(RegoError.TYPE, "multiple default rules " + node.name() + " found", loc));
            }
            CompiledRule.Kind k = node.rules().getFirst().kind();
            if ((k == CompiledRule.Kind.COMPLETE || k == CompiledRule.Kind.MULTI_VALUE || k == CompiledRule.Kind.FUNCTION)
                    && kinds.size() == 1) {
                List<String> below = new ArrayList<>();
                collectRuleNodes(node, below, true);
                if (!below.isEmpty()) {
                    errors.add(new RegoError(RegoError.TYPE, "rule " + node.name() + " conflicts with " + below, loc));
                }
            }
        }
        for (RuleNode c : node.children().values()) checkConflicts(c);
    }

    private static void collectRuleNodes(RuleNode node, List<String> out, boolean skipSelf) {
        if (!skipSelf && node.hasRules()) out.add(node.name());
        for (RuleNode c : node.children().values()) collectRuleNodes(c, out, false);
    }

    // ---- name resolution ----

    private Map<String, Term.Ref> globals(Module m) {
        Map<String, Term.Ref> g = new HashMap<>();
        List<String> pkg = m.packagePath();
        for (String name : packageRules.getOrDefault(pkg, Set.of())) {
            List<String> p = new ArrayList<>();
            p.add("data");
            p.addAll(pkg);
            p.add(name);
            g.put(name, Terms.ref(p, Location.NONE));
        }
        for (Import imp : m.imports()) {
            String head = imp.path().headName();
            if (head == null || head.equals("future") || head.equals("rego")) continue;
            String name = imp.name();
            if (name == null) continue;
            if (imp.path().path().size() == 1 && imp.alias() == null) continue; // import data / import input
            g.put(name, imp.path());
        }
        return g;
    }

    private Rule resolveRule(Module m, Rule r) {
        Map<String, Term.Ref> g = globals(m);
        Set<String> locals = new HashSet<>();
        collectDeclared(r, locals);
        Resolver res = new Resolver(g, locals);
        Head h = r.head();
        List<Term> refPath = new ArrayList<>();
        refPath.add(h.ref().head());
        for (int i = 1; i < h.ref().path().size(); i++) refPath.add(res.term(h.ref().path().get(i)));
        Head nh = new Head(new Term.Ref(refPath, h.ref().location()), h.args(),
                h.key() == null ? null : res.term(h.key()), h.value() == null ? null : res.term(h.value()),
                h.assign(), h.location());
        Rule out = new Rule(r.isDefault(), nh, res.body(r.body()), r.elseRule() == null ? null : resolveRule(m, r.elseRule()),
                r.annotations(), r.location());
        return out;
    }

    private static void collectDeclared(Rule r, Set<String> out) {
        if (r.head().args() != null) for (Term a : r.head().args()) Terms.vars(a, out);
        Function<Term, Boolean> noop = t -> true;
        collectDeclaredBody(r.body(), out);
        Terms.walk(r.head().value() == null ? new Term.Scalar(StringValue.EMPTY, Location.NONE) : r.head().value(), t -> {
            if (t instanceof Term.ArrayCompr c) collectDeclaredBody(c.body(), out);
            if (t instanceof Term.SetCompr c) collectDeclaredBody(c.body(), out);
            if (t instanceof Term.ObjectCompr c) collectDeclaredBody(c.body(), out);
            return noop.apply(t);
        });
    }

    private static void collectDeclaredBody(List<Expr> body, Set<String> out) {
        for (Expr e : body) {
            switch (e.kind()) {
                case Expr.SomeDecl d -> d.vars().forEach(v -> out.add(v.name()));
                case Expr.SomeIn si -> {
                    if (si.key() != null) Terms.vars(si.key(), out);
                    Terms.vars(si.value(), out);
                }
                case Expr.Every ev -> {
                    if (ev.key() != null) Terms.vars(ev.key(), out);
                    Terms.vars(ev.value(), out);
                    collectDeclaredBody(ev.body(), out);
                }
                case Expr.TermExpr te -> {
                    if (te.term() instanceof Term.Call c && c.name().equals("assign") && c.args().size() == 2) {
                        patternVars(c.args().get(0), out);
                    }
                }
            }
            Terms.walkExpr(e, t -> {
                if (t instanceof Term.ArrayCompr c) collectDeclaredBody(c.body(), out);
                if (t instanceof Term.SetCompr c) collectDeclaredBody(c.body(), out);
                if (t instanceof Term.ObjectCompr c) collectDeclaredBody(c.body(), out);
                return !(t instanceof Term.ArrayCompr || t instanceof Term.SetCompr || t instanceof Term.ObjectCompr);
            });
        }
    }

    private static void patternVars(Term t, Set<String> out) {
        switch (t) {
            case Term.Var v -> out.add(v.name());
            case Term.ArrayTerm a -> a.items().forEach(x -> patternVars(x, out));
            case Term.ObjectTerm o -> o.values().forEach(x -> patternVars(x, out));
            default -> { }
        }
    }

    /** Rewrites names: package rules and imports become full references; locals stay vars. */
    private final class Resolver {
        final Map<String, Term.Ref> globals;
        final Set<String> locals;

        Resolver(Map<String, Term.Ref> globals, Set<String> locals) {
            this.globals = globals;
            this.locals = locals;
        }

        Term term(Term t) {
            return Terms.map(t, this::node, this::body);
        }

        private Term node(Term t) {
            if (t instanceof Term.Var v && !locals.contains(v.name())) {
                Term.Ref g = globals.get(v.name());
                if (g != null) return new Term.Ref(g.path(), v.location());
            }
            if (t instanceof Term.Ref r && r.head() instanceof Term.Ref h) {
                List<Term> p = new ArrayList<>(h.path());
                p.addAll(r.path().subList(1, r.path().size()));
                return new Term.Ref(p, r.location());
            }
            return t;
        }

        List<Expr> body(List<Expr> body) {
            List<Expr> out = new ArrayList<>(body.size());
            for (Expr e : body) out.add(expr(e));
            return out;
        }

        Expr expr(Expr e) {
            Expr.Kind k = switch (e.kind()) {
                case Expr.TermExpr te -> new Expr.TermExpr(term(te.term()));
                case Expr.SomeDecl d -> d;
                case Expr.SomeIn si -> new Expr.SomeIn(si.key() == null ? null : term(si.key()), term(si.value()),
                        term(si.collection()));
                case Expr.Every ev -> new Expr.Every(ev.key() == null ? null : term(ev.key()), term(ev.value()),
                        term(ev.domain()), body(ev.body()));
            };
            List<Expr.With> withs = new ArrayList<>();
            for (Expr.With w : e.withs()) {
                Term target = term(w.target());
                Term.Ref tr = target instanceof Term.Ref r ? r : new Term.Ref(List.of(target), target.location());
                withs.add(new Expr.With(tr, withValue(w.value()), w.location()));
            }
            return new Expr(k, e.negated(), withs, e.location());
        }

        /** A with value naming a builtin ({@code with count as my_count} or {@code as concat}) stays a name. */
        private Term withValue(Term v) {
            String name = v instanceof Term.Var var ? var.name()
                    : v instanceof Term.Ref r && Terms.stringPath(r) != null ? Terms.refName(r) : null;
            if (name != null && !locals.contains(name) && !globals.containsKey(name.split("\\.")[0])
                    && (Internals.has(name) || builtins.get(name) != null)) {
                return new Term.Ref(List.of(new Term.Var(BUILTIN_REF, v.location()),
                        new Term.Scalar(StringValue.of(name), v.location())), v.location());
            }
            return term(v);
        }
    }

    // ---- locals and safety ----

    private void compileNode(RuleNode node) {
        if (node.hasRules()) {
            List<CompiledRule> out = new ArrayList<>();
            for (CompiledRule cr : node.rules()) {
                Rule r = compileRule(cr.rule());
                List<Term> suffix = r.head().ref().path().subList(r.head().ref().path().size() - cr.suffix().size(),
                        r.head().ref().path().size());
                out.add(new CompiledRule(r, cr.kind(), suffix, cr.path(), cr.module()));
            }
            node.replaceRules(out);
        }
        for (RuleNode c : node.children().values()) compileNode(c);
    }

    private Rule compileRule(Rule r) {
        r = rewriteDynamicArgs(r);
        Set<String> args = new LinkedHashSet<>();
        if (r.head().args() != null) for (Term a : r.head().args()) Terms.vars(a, args);
        LocalVars lv = new LocalVars(errors, originalNames, counter);
        List<Expr> body = lv.rewriteTop(r.body(), args);
        Head h = r.head();
        List<Term> refPath = new ArrayList<>();
        refPath.add(h.ref().head());
        for (int i = 1; i < h.ref().path().size(); i++) refPath.add(lv.rewriteHeadTerm(h.ref().path().get(i)));
        Head nh = new Head(new Term.Ref(refPath, h.ref().location()), h.args(),
                h.key() == null ? null : lv.rewriteHeadTerm(h.key()),
                h.value() == null ? null : lv.rewriteHeadTerm(h.value()), h.assign(), h.location());
        Safety safety = new Safety(errors, originalNames, this::arity);
        Safety.Ordered ordered = safety.order(body, args);
        // Head terms may hold comprehensions: order their bodies with the body's bindings.
        List<Term> refPath2 = new ArrayList<>();
        refPath2.add(nh.ref().head());
        for (int i = 1; i < nh.ref().path().size(); i++) {
            Term t = nh.ref().path().get(i);
            safety.checkHead(t, ordered.safe(), r.location());
            refPath2.add(safety.nested(t, ordered.safe()));
        }
        safety.checkHead(nh.key(), ordered.safe(), r.location());
        safety.checkHead(nh.value(), ordered.safe(), r.location());
        nh = new Head(new Term.Ref(refPath2, nh.ref().location()), nh.args(),
                nh.key() == null ? null : safety.nested(nh.key(), ordered.safe()),
                nh.value() == null ? null : safety.nested(nh.value(), ordered.safe()), nh.assign(), nh.location());
        Rule elseRule = r.elseRule() == null ? null : compileRule(r.elseRule());
        return new Rule(r.isDefault(), nh, ordered.body(), elseRule, r.annotations(), r.location());
    }

    /**
     * Function arguments that must be computed (template strings, calls, references) become
     * fresh variables, compared with the computed term in the body, as OPA rewrites them.
     */
    private Rule rewriteDynamicArgs(Rule r) {
        if (r.head().args() == null) return r;
        List<Term> args = new ArrayList<>();
        List<Expr> extra = new ArrayList<>();
        for (Term a : r.head().args()) {
            if (isArgPattern(a)) {
                args.add(a);
                continue;
            }
            Term.Var fresh = new Term.Var("__arg" + counter[0]++ + "__", a.location());
            args.add(fresh);
            Term.Ref eq = new Term.Ref(List.of(new Term.Var("eq", a.location())), a.location());
            extra.add(new Expr(new Expr.TermExpr(new Term.Call(eq, List.of(fresh, a), a.location())), a.location()));
        }
        if (extra.isEmpty()) return r;
        List<Expr> body = new ArrayList<>(r.body());
        body.addAll(extra);
        Head h = r.head();
        return new Rule(r.isDefault(), new Head(h.ref(), args, h.key(), h.value(), h.assign(), h.location()), body,
                r.elseRule(), r.annotations(), r.location());
    }

    private static boolean isArgPattern(Term t) {
        return switch (t) {
            case Term.Var v -> true;
            case Term.Scalar s -> true;
            case Term.ArrayTerm a -> a.items().stream().allMatch(Compiler::isArgPattern);
            case Term.SetTerm st -> st.items().stream().allMatch(Compiler::isArgPattern);
            case Term.ObjectTerm o -> o.values().stream().allMatch(Compiler::isArgPattern)
                    && o.keys().stream().allMatch(k -> Terms.groundValue(k) != null || k instanceof Term.Var);
            default -> false;
        };
    }

    /** Declared arity of a callee (user function, internal or registry builtin); -1 if unknown or variadic. */
    int arity(String name) {
        if (name.startsWith("data.")) {
            RuleNode n = root.find(List.of(name.substring(5).split("\\.")));
            if (n != null && n.isFunction()) return n.rules().getFirst().rule().head().args().size();
            return -1;
        }
        Integer a = Internals.ARITY.get(name);
        if (a != null) return a;
        Builtin b = builtins.get(name);
        if (b != null && b.signature().variadic() == null) return b.signature().args().size();
        return -1;
    }

    // ---- recursion ----

    private void checkRecursion() {
        Map<RuleNode, Set<RuleNode>> deps = new LinkedHashMap<>();
        collectDeps(root, deps);
        lastDeps = deps;
        Set<RuleNode> done = new HashSet<>();
        Set<String> reported = new HashSet<>();
        for (RuleNode n : deps.keySet()) {
            List<RuleNode> stack = new ArrayList<>();
            findCycle(n, deps, stack, done, reported);
        }
    }

    private Map<RuleNode, Set<RuleNode>> lastDeps = Map.of();

    // ---- data-only and deterministic nodes ----

    /**
     * Marks every node's value as depending only on data ({@link RuleNode#isDataOnly()}) or
     * not, and as the same in every evaluation ({@link RuleNode#isDeterministic()}) or not.
     */
    private void markNodes() {
        markNodes(root, new HashMap<>(), new HashMap<>());
    }

    private void markNodes(RuleNode n, Map<RuleNode, Boolean> dataOnly, Map<RuleNode, Boolean> deterministic) {
        n.markDataOnly(everyReachedRule(n, this::locallyPure, dataOnly));
        n.markDeterministic(everyReachedRule(n, this::locallyDeterministic, deterministic));
        for (RuleNode c : n.children().values()) markNodes(c, dataOnly, deterministic);
    }

    /**
     * True when {@code test} holds for every rule at or below {@code n} and for every rule and
     * function those read or call, transitively.
     */
    private boolean everyReachedRule(RuleNode n, Predicate<Rule> test, Map<RuleNode, Boolean> memo) {
        Boolean known = memo.get(n);
        if (known != null) return known;
        memo.put(n, false); // cycles (rejected earlier) and re-entry count as failing: the safe answer
        boolean ok = true;
        for (CompiledRule cr : n.rules()) {
            for (Rule r = cr.rule(); r != null && ok; r = r.elseRule()) ok = test.test(r);
        }
        for (RuleNode d : lastDeps.getOrDefault(n, Set.of())) ok = ok && (d == n || everyReachedRule(d, test, memo));
        for (RuleNode c : n.children().values()) ok = ok && (!c.hasRulesBelow() || everyReachedRule(c, test, memo));
        memo.put(n, ok);
        return ok;
    }

    /** No input, no with, no printing, and deterministic: the rule's value is a function of data. */
    private boolean locallyPure(Rule r) {
        for (Expr e : r.body()) {
            if (!e.withs().isEmpty()) return false;
        }
        return locallyDeterministic(r) && noTerm(r, t -> t instanceof Term.Var v && v.name().equals("input")
                || t instanceof Term.Call c && PRINTING.contains(c.name()));
    }

    /** Calls that print: their output would be lost if a value were computed once and shared. */
    private static final Set<String> PRINTING = Set.of("print", "internal.print", "trace");

    /** The rule itself calls no non-deterministic builtin; what it reads is checked by the caller. */
    private boolean locallyDeterministic(Rule r) {
        return noTerm(r, this::nondeterministic);
    }

    /**
     * A call that may answer differently with the same arguments, or a with replacement naming
     * such a builtin ({@code with f as time.now_ns}, which makes calls of f answer so).
     */
    private boolean nondeterministic(Term t) {
        return switch (t) {
            case Term.Call c -> nondeterministic(c.name());
            case Term.Ref ref when BUILTIN_REF.equals(ref.headName())
                    && ref.path().get(1) instanceof Term.Scalar s && s.value() instanceof StringValue name ->
                    nondeterministic(name.value());
            default -> false;
        };
    }

    /**
     * Whether a builtin may answer differently with the same arguments: a registry builtin that
     * is not {@linkplain Builtin#deterministic() deterministic}, or {@code opa.runtime}, which the
     * evaluator answers from the engine's settings rather than the policy (OPA counts it as
     * non-deterministic too).
     */
    private boolean nondeterministic(String name) {
        Builtin b = builtins.get(name);
        return b != null ? !b.deterministic() : name.equals("opa.runtime");
    }

    /** True when no term of the rule's head or body matches. */
    private static boolean noTerm(Rule r, Predicate<Term> match) {
        boolean[] found = {false};
        Function<Term, Boolean> visit = t -> {
            if (match.test(t)) found[0] = true;
            return !found[0];
        };
        Terms.walkBody(r.body(), visit);
        Terms.walk(r.head().ref(), visit);
        if (r.head().key() != null) Terms.walk(r.head().key(), visit);
        if (r.head().value() != null) Terms.walk(r.head().value(), visit);
        if (r.head().args() != null) for (Term a : r.head().args()) Terms.walk(a, visit);
        return !found[0];
    }

    /**
     * A query is deterministic when it calls no non-deterministic builtin itself and every rule
     * it can read or call is {@linkplain RuleNode#isDeterministic() deterministic}.
     */
    private boolean deterministic(List<Expr> query) {
        boolean[] calls = {false};
        Set<RuleNode> reached = new LinkedHashSet<>();
        Terms.walkBody(query, t -> {
            if (nondeterministic(t)) calls[0] = true;
            if (t instanceof Term.Ref ref && "data".equals(ref.headName())) refDeps(ref, reached);
            return true;
        });
        return !calls[0] && reached.stream().allMatch(RuleNode::isDeterministic);
    }

    private void findCycle(RuleNode n, Map<RuleNode, Set<RuleNode>> deps, List<RuleNode> stack, Set<RuleNode> done,
            Set<String> reported) {
        if (done.contains(n)) return;
        int at = stack.indexOf(n);
        if (at >= 0) {
            List<String> cycle = new ArrayList<>();
            for (int i = at; i < stack.size(); i++) cycle.add(stack.get(i).name());
            cycle.add(n.name());
            if (reported.add(n.name())) {
                errors.add(new RegoError(RegoError.RECURSION, "rule " + n.name() + " is recursive: "
                        + String.join(" -> ", cycle), n.rules().getFirst().rule().location()));
            }
            return;
        }
        stack.add(n);
        for (RuleNode d : deps.getOrDefault(n, Set.of())) findCycle(d, deps, stack, done, reported);
        stack.removeLast();
        done.add(n);
    }

    private void collectDeps(RuleNode node, Map<RuleNode, Set<RuleNode>> deps) {
        if (node.hasRules()) {
            Set<RuleNode> out = new LinkedHashSet<>();
            for (CompiledRule cr : node.rules()) {
                for (Rule r = cr.rule(); r != null; r = r.elseRule()) {
                    Function<Term, Boolean> visit = t -> {
                        if (t instanceof Term.Ref ref && "data".equals(ref.headName())) refDeps(ref, out);
                        return true;
                    };
                    Terms.walkBody(withoutWithTargets(r.body()), visit);
                    Terms.walk(r.head().ref(), visit);
                    if (r.head().key() != null) Terms.walk(r.head().key(), visit);
                    if (r.head().value() != null) Terms.walk(r.head().value(), visit);
                }
            }
            deps.put(node, out);
        }
        for (RuleNode c : node.children().values()) collectDeps(c, deps);
    }

    private static List<Expr> withoutWithTargets(List<Expr> body) {
        List<Expr> out = new ArrayList<>();
        for (Expr e : body) {
            List<Expr.With> ws = new ArrayList<>();
            for (Expr.With w : e.withs()) {
                ws.add(new Expr.With(new Term.Ref(List.of(new Term.Var("input", w.location())), w.location()), w.value(),
                        w.location()));
            }
            out.add(e.withWiths(ws));
        }
        return out;
    }

    private void refDeps(Term.Ref ref, Set<RuleNode> out) {
        refDeps(root, ref, 1, out);
    }

    /**
     * Rules a data reference may read: along ground keys, every rule on the way; at a dynamic key, every child whose later ground keys still match;
     * at the end, everything below.
     */
    private static void refDeps(RuleNode n, Term.Ref ref, int i, Set<RuleNode> out) {
        if (!n.hasRulesBelow()) return;
        if (n.hasRules()) out.add(n);
        if (i == ref.path().size()) {
            addSubtree(n, out);
            return;
        }
        if (ref.path().get(i) instanceof Term.Scalar s && s.value() instanceof StringValue str) {
            RuleNode c = n.child(str.value());
            if (c != null) refDeps(c, ref, i + 1, out);
            return;
        }
        if (ref.path().get(i) instanceof Term.Scalar) return; // a non-string key names no rule
        for (RuleNode c : n.children().values()) refDeps(c, ref, i + 1, out);
    }

    private static void addSubtree(RuleNode n, Set<RuleNode> out) {
        if (!n.hasRulesBelow()) return;
        if (n.hasRules()) out.add(n);
        for (RuleNode c : n.children().values()) addSubtree(c, out);
    }

    private static void fold(RuleNode node) {
        if (node.hasRules()) {
            List<CompiledRule> out = new ArrayList<>();
            for (CompiledRule cr : node.rules()) {
                Rule r = GroundFolding.rule(cr.rule());
                List<Term> ref = r.head().ref().path();
                out.add(new CompiledRule(r, cr.kind(), ref.subList(ref.size() - cr.suffix().size(), ref.size()), cr.path(),
                        cr.module()));
            }
            node.replaceRules(out);
        }
        for (RuleNode c : node.children().values()) fold(c);
    }

    // ---- types ----

    private void checkTypes(RuleNode node) {
        TypeChecker tc = new TypeChecker(builtins, errors);
        for (CompiledRule cr : node.rules()) tc.checkRule(cr.rule());
        for (RuleNode c : node.children().values()) checkTypes(c);
    }

    // ---- calls ----

    private void checkCalls() {
        checkCallsIn(root);
    }

    private void checkCallsIn(RuleNode node) {
        for (CompiledRule cr : node.rules()) {
            for (Rule r = cr.rule(); r != null; r = r.elseRule()) {
                Function<Term, Boolean> visit = t -> {
                    if (t instanceof Term.Call c) checkCall(c);
                    return true;
                };
                Terms.walkBody(r.body(), visit);
                if (r.head().value() != null) Terms.walk(r.head().value(), visit);
                if (r.head().key() != null) Terms.walk(r.head().key(), visit);
            }
        }
        for (RuleNode c : node.children().values()) checkCallsIn(c);
    }

    private void checkCall(Term.Call c) {
        String name = c.name();
        int n = c.args().size();
        if (name.startsWith("data.")) {
            List<String> p = Terms.stringPath(c.op());
            RuleNode node = p == null ? null : root.find(p.subList(1, p.size()));
            if (node == null || !node.isFunction()) {
                if (node != null && node.hasRules()) {
                    errors.add(new RegoError(RegoError.TYPE, "undefined function " + name, c.location()));
                }
                return; // may be a function replaced by `with`, or an unknown ref; evaluation decides
            }
            int want = node.rules().getFirst().rule().head().args().size();
            if (n != want && n != want + 1) {
                errors.add(new RegoError(RegoError.TYPE, name + ": arity mismatch: have " + n
                        + " argument" + (n == 1 ? "" : "s") + ", want " + want, c.location()));
            }
            return;
        }
        Integer internal = Internals.ARITY.get(name);
        if (internal != null) {
            if (internal >= 0 && n != internal && n != internal + 1) {
                errors.add(new RegoError(RegoError.TYPE, name + ": arity mismatch: have " + n + " arguments, want " + internal,
                        c.location()));
            }
            return;
        }
        Builtin b = builtins.get(name);
        if (b == null) {
            errors.add(new RegoError(RegoError.TYPE, "undefined function " + name, c.location()));
            return;
        }
        int want = b.signature().args().size();
        boolean variadic = b.signature().variadic() != null;
        if (variadic ? n < want : n != want && n != want + 1) {
            errors.add(new RegoError(RegoError.TYPE, name + ": arity mismatch: have " + n + " argument"
                    + (n == 1 ? "" : "s") + ", want " + want, c.location()));
        }
    }

    // ---- queries ----

    CompiledQuery compileQuery(String text, boolean v0) {
        Parser.Result<List<Expr>> parsed = Parser.parseQuery(text, v0);
        if (!parsed.ok()) throw new RegoException(parsed.errors());
        return compileQueryBody(text, parsed.value());
    }

    synchronized CompiledQuery compileQueryBody(String text, List<Expr> body) {
        errors.clear();
        Set<String> locals = new HashSet<>();
        collectDeclaredBody(body, locals);
        Resolver res = new Resolver(Map.of(), locals);
        List<Expr> resolved = res.body(body);
        LocalVars lv = new LocalVars(errors, originalNames, counter);
        List<Expr> renamed = lv.rewriteTop(resolved, Set.of());
        Safety safety = new Safety(errors, originalNames, this::arity);
        Safety.Ordered ordered = safety.order(renamed, Set.of());
        for (Expr e : ordered.body()) {
            Terms.walkExpr(e, t -> {
                if (t instanceof Term.Call c) checkCall(c);
                return true;
            });
        }
        if (errors.isEmpty()) new TypeChecker(builtins, errors).checkBody(ordered.body());
        List<Expr> folded = GroundFolding.body(ordered.body());
        if (!errors.isEmpty()) {
            List<RegoError> errs = List.copyOf(errors);
            errors.clear();
            throw new RegoException(errs);
        }
        Set<String> vars = new LinkedHashSet<>();
        for (Expr e : ordered.body()) {
            Terms.walkExpr(e, t -> {
                if (t instanceof Term.Var v && !v.isGenerated() && !v.name().equals("data") && !v.name().equals("input")) {
                    vars.add(v.name());
                }
                return !(t instanceof Term.ArrayCompr || t instanceof Term.SetCompr || t instanceof Term.ObjectCompr
                        || t instanceof Term.TemplateString);
            });
            if (e.kind() instanceof Expr.Every ev) {
                // every's variables are local to it
                Set<String> local = new HashSet<>();
                if (ev.key() != null) Terms.vars(ev.key(), local);
                Terms.vars(ev.value(), local);
                Terms.walkBody(ev.body(), t -> {
                    if (t instanceof Term.Var v) local.add(v.name());
                    return true;
                });
                Set<String> domain = new HashSet<>();
                Terms.vars(ev.domain(), domain);
                local.removeAll(domain);
                vars.removeAll(local);
            }
        }
        vars.removeIf(v -> v.equals(BUILTIN_REF));
        return new CompiledQuery(text, folded, new ArrayList<>(vars), deterministic(folded));
    }
}
