package dev.airlock.policy.ast;

import java.util.List;

/**
 * A parsed policy file: package, imports, rules, and package-level annotations
 * ({@code package}/{@code subpackages} scope).
 */
public record Module(String file, Term.Ref pkg, List<Import> imports, List<Rule> rules, List<Annotation> annotations,
        boolean regoV1) {
    public Module {
        imports = List.copyOf(imports);
        rules = List.copyOf(rules);
        annotations = List.copyOf(annotations);
    }

    /** The package path without the leading {@code data}, e.g. {@code ["airlock", "egress"]}. */
    public List<String> packagePath() {
        return Terms.stringPath(pkg).subList(1, pkg.path().size());
    }

    public Module withRules(List<Rule> r) {
        return new Module(file, pkg, imports, r, annotations, regoV1);
    }
}
