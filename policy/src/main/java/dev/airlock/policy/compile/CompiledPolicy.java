package dev.airlock.policy.compile;

import dev.airlock.policy.ast.Annotation;
import dev.airlock.policy.ast.Module;
import dev.airlock.policy.builtins.BuiltinRegistry;
import java.util.List;
import java.util.Map;

/**
 * The output of the compiler: the rule tree (rules resolved, renamed and ordered), the
 * modules, the builtins they were checked against, and package annotations for
 * {@code rego.metadata.chain()}.
 */
public final class CompiledPolicy {
    private final RuleNode root;
    private final List<Module> modules;
    private final BuiltinRegistry builtins;
    private final Map<List<String>, List<Annotation>> packageAnnotations;
    private final Compiler compiler;
    /** Rule-tree nodes by dotted call name ({@code data.pkg.f}); absent names map to {@link #NONE}. */
    private final java.util.concurrent.ConcurrentHashMap<String, RuleNode> byName = new java.util.concurrent.ConcurrentHashMap<>();
    private static final RuleNode NONE = new RuleNode(List.of("\u0000none"));

    CompiledPolicy(RuleNode root, List<Module> modules, BuiltinRegistry builtins,
            Map<List<String>, List<Annotation>> packageAnnotations, Compiler compiler) {
        this.root = root;
        this.modules = List.copyOf(modules);
        this.builtins = builtins;
        this.packageAnnotations = packageAnnotations;
        this.compiler = compiler;
    }

    public RuleNode root() {
        return root;
    }

    private final java.util.concurrent.ConcurrentHashMap<String, Integer> arities = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Declared arity of a callee by dotted name (user function, evaluator builtin or registry
     * builtin); -1 when unknown or variadic. Cached: the evaluator asks for every call it runs.
     */
    public int arity(String name) {
        Integer a = arities.get(name);
        if (a == null) {
            a = compiler.arity(name);
            if (arities.size() < 10_000) arities.put(name, a);
        }
        return a;
    }

    /** The rule-tree node a dotted name such as {@code data.pkg.f} names, or null; cached. */
    public RuleNode node(String dottedName) {
        RuleNode n = byName.get(dottedName);
        if (n == null) {
            RuleNode found = dottedName.startsWith("data.")
                    ? root.find(List.of(dottedName.substring(5).split("\\."))) : null;
            n = found == null ? NONE : found;
            if (byName.size() < 10_000) byName.put(dottedName, n);
        }
        return n == NONE ? null : n;
    }

    public List<Module> modules() {
        return modules;
    }

    public BuiltinRegistry builtins() {
        return builtins;
    }

    /** Package- and subpackages-scoped annotations by package path. */
    public Map<List<String>, List<Annotation>> packageAnnotations() {
        return packageAnnotations;
    }

    /** Parses and compiles a query against these rules; errors are thrown as a RegoException. */
    public CompiledQuery compileQuery(String text, boolean v0) {
        return compiler.compileQuery(text, v0);
    }

    public CompiledQuery compileQuery(String text) {
        return compileQuery(text, false);
    }
}
