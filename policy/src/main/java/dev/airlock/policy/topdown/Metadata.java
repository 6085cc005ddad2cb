package dev.airlock.policy.topdown;

import dev.airlock.policy.ast.Annotation;
import dev.airlock.policy.compile.CompiledPolicy;
import dev.airlock.policy.compile.CompiledRule;
import dev.airlock.policy.compile.RuleNode;
import dev.airlock.policy.value.ArrayValue;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.StringValue;
import dev.airlock.policy.value.Value;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** {@code rego.metadata.rule()} and {@code rego.metadata.chain()} for the rule being evaluated. */
final class Metadata {
    private final CompiledPolicy policy;

    Metadata(CompiledPolicy policy) {
        this.policy = policy;
    }

    Value rule(CompiledRule cr) {
        if (cr == null) return ObjectValue.EMPTY;
        for (Annotation a : cr.rule().annotations()) {
            if (a.scope().equals("rule")) return a.fields();
        }
        return ObjectValue.EMPTY;
    }

    Value chain(CompiledRule cr) {
        List<Value> out = new ArrayList<>();
        if (cr == null) return new ArrayValue(out);
        List<String> path = cr.path();
        Annotation ruleScope = null;
        for (Annotation a : cr.rule().annotations()) if (a.scope().equals("rule")) ruleScope = a;
        out.add(entry(path, ruleScope));
        RuleNode node = policy.root().find(path);
        if (node != null) {
            for (CompiledRule other : node.rules()) {
                for (Annotation a : other.rule().annotations()) {
                    if (a.scope().equals("document")) out.add(entry(path, a));
                }
            }
        }
        List<String> pkg = cr.module().packagePath();
        for (int n = pkg.size(); n >= 1; n--) {
            List<String> p = pkg.subList(0, n);
            for (Annotation a : policy.packageAnnotations().getOrDefault(p, List.of())) {
                if (a.scope().equals("package") && n == pkg.size() || a.scope().equals("subpackages")) {
                    out.add(entry(p, a));
                }
            }
        }
        return new ArrayValue(out);
    }

    private static Value entry(List<String> path, Annotation a) {
        TreeMap<Value, Value> m = new TreeMap<>();
        List<Value> p = new ArrayList<>();
        for (String s : path) p.add(StringValue.of(s));
        m.put(StringValue.of("path"), new ArrayValue(p));
        if (a != null) m.put(StringValue.of("annotations"), a.fields());
        return ObjectValue.wrap(m);
    }
}
