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
