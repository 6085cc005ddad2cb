package dev.airlock.policy;

import dev.airlock.policy.ast.Lexer;
import dev.airlock.policy.ast.Location;
import dev.airlock.policy.ast.Module;
import dev.airlock.policy.ast.Parser;
import dev.airlock.policy.ast.RegoError;
import dev.airlock.policy.ast.RegoException;
import dev.airlock.policy.builtins.BuiltinRegistry;
import dev.airlock.policy.compile.CompiledPolicy;
import dev.airlock.policy.compile.CompiledQuery;
import dev.airlock.policy.compile.Compiler;
import dev.airlock.policy.topdown.EvalException;
import dev.airlock.policy.topdown.Evaluator;
import dev.airlock.policy.topdown.QueryContext;
import dev.airlock.policy.value.Json;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.Value;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The embedded Rego engine: modules are parsed and compiled once (all errors reported up
 * front), queries are compiled once and cached, and each evaluation runs a fresh
 * {@link Evaluator} over the shared immutable compiled rules and data.
 */
public final class EmbeddedEngine implements PolicyEngine {
    /** Queries compiled by text are cached up to this many entries (ad-hoc queries beyond it are compiled each time). */
    private static final int QUERY_CACHE_MAX = 1024;

    private final CompiledPolicy policy;
    private final Value data;
    private final EvalOptions options;
    private final String revision;
    private final Map<String, CompiledQuery> queries = new ConcurrentHashMap<>();
    /**
     * Values of data-only rules, computed once and shared by every query (rules and data never
     * change); one map per strictness, since strict builtin errors can turn undefined into an error.
     */
    private final Map<Object, Value> dataOnlyValues = new ConcurrentHashMap<>();
    private final Map<Object, Value> dataOnlyValuesStrict = new ConcurrentHashMap<>();

    private EmbeddedEngine(CompiledPolicy policy, Value data, EvalOptions options, String revision) {
        this.policy = policy;
        this.data = data;
        this.options = options;
        this.revision = revision;
    }

    /** Builds an engine; throws RegoException with every parse and compile error. */
    public static EmbeddedEngine build(Map<String, String> modules, Value data, boolean v0, BuiltinRegistry builtins,
            EvalOptions options) {
        List<Module> parsed = new ArrayList<>();
        List<RegoError> errors = new ArrayList<>();
        Map<String, String> sorted = new TreeMap<>(modules);
        for (Map.Entry<String, String> e : modules.entrySet()) {
            Parser.Result<Module> r = Parser.parseModule(e.getKey(), e.getValue(), v0);
            errors.addAll(r.errors());
            if (r.ok()) parsed.add(r.value());
        }
        if (!errors.isEmpty()) throw new RegoException(errors);
        if (data != null && !(data instanceof ObjectValue)) {
            throw new RegoException(RegoError.INVALID_INPUT, "data must be an object", Location.NONE);
        }
        CompiledPolicy policy;
        try {
            policy = Compiler.compile(parsed, builtins);
        } catch (StackOverflowError e) {
            throw new RegoException(RegoError.COMPILE, "policy is nested too deeply to compile", Location.NONE);
        }
        return new EmbeddedEngine(policy, data == null ? ObjectValue.EMPTY : data, options, revision(sorted, data));
    }

    public static EmbeddedEngine build(Map<String, String> modules, Value data) {
        return build(modules, data, false, BuiltinRegistry.standard(), EvalOptions.DEFAULT);
    }

    private static String revision(Map<String, String> modules, Value data) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (Map.Entry<String, String> e : modules.entrySet()) {
                md.update(e.getKey().getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
                md.update(e.getValue().getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
            }
            md.update(Json.write(data == null ? ObjectValue.EMPTY : data).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public CompiledPolicy policy() {
        return policy;
    }

    @Override
    public String revision() {
        return revision;
    }

    /** Evaluates the document at a path whose keys are separated by '/' or '.'. */
    @Override
    public Decision evaluate(String path, Value input) {
        CompiledQuery q = queries.computeIfAbsent("\u0000path:" + path, k -> policy.compileQuery(
                pathQuery(Arrays.stream(path.split("[/.]")).filter(key -> !key.isEmpty()).toList())));
        return evaluate(path, q, input);
    }

    /** Evaluates the document at a path given as keys below data; a key may hold any character ('.' too). */
    public Decision evaluate(List<String> keys, Value input) {
        return evaluate(String.join("/", keys), compiled(pathQuery(keys)), input);
    }

    private Decision evaluate(String path, CompiledQuery q, Value input) {
        long start = System.nanoTime();
        List<Map<String, Value>> rows = run(q, input, options);
        Value result = rows.isEmpty() ? null : rows.getFirst().get("result");
        return new Decision(path, result, revision, System.nanoTime() - start, null, q.deterministic());
    }

    private static String pathQuery(List<String> keys) {
        StringBuilder sb = new StringBuilder("result = data");
        for (String key : keys) {
            if (Lexer.isIdentifierPublic(key)) sb.append('.').append(key);
            else sb.append('[').append(Json.quote(key)).append(']');
        }
        return sb.toString();
    }

    @Override
    public List<Map<String, Value>> query(String rego, Value input) {
        return query(rego, input, options);
    }

    public List<Map<String, Value>> query(String rego, Value input, EvalOptions opts) {
        return run(compiled(rego), input, opts);
    }

    private CompiledQuery compiled(String rego) {
        CompiledQuery q = queries.get(rego);
        if (q == null) {
            q = policy.compileQuery(rego);
            if (queries.size() < QUERY_CACHE_MAX) queries.put(rego, q);
        }
        return q;
    }

    /** Compiles a query without caching it (for tools that evaluate it once). */
    public CompiledQuery prepare(String rego, boolean v0) {
        return policy.compileQuery(rego, v0);
    }

    /** Like {@link #run} but with each top-level expression's value, for OPA-shaped output. */
    public List<dev.airlock.policy.topdown.QueryResult> runWithExpressions(CompiledQuery q, Value input, EvalOptions opts) {
        QueryContext ctx = new QueryContext(QueryContext.nowNanos(), opts.strictBuiltinErrors(), opts.network(),
                opts.runtime(), opts.print());
        Evaluator ev = new Evaluator(policy, data, input, ctx, opts.limits(),
                opts.strictBuiltinErrors() ? dataOnlyValuesStrict : dataOnlyValues);
        List<dev.airlock.policy.ast.Expr> inOrder = new ArrayList<>(q.body());
        inOrder.sort(java.util.Comparator.comparingInt((dev.airlock.policy.ast.Expr e) -> e.location().row())
                .thenComparingInt(e -> e.location().col()));
        try {
            return ev.runWithExpressions(q, inOrder);
        } catch (EvalException e) {
            throw new RegoException(e.error());
        }
    }

    public List<Map<String, Value>> run(CompiledQuery q, Value input, EvalOptions opts) {
        QueryContext ctx = new QueryContext(QueryContext.nowNanos(), opts.strictBuiltinErrors(), opts.network(),
                opts.runtime(), opts.print());
        Evaluator ev = new Evaluator(policy, data, input, ctx, opts.limits(),
                opts.strictBuiltinErrors() ? dataOnlyValuesStrict : dataOnlyValues);
        try {
            return ev.run(q);
        } catch (EvalException e) {
            throw new RegoException(e.error());
        }
    }
}
