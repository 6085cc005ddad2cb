package dev.airlock.policy.compile;

import dev.airlock.policy.ast.Module;
import dev.airlock.policy.ast.Rule;
import dev.airlock.policy.ast.Term;
import java.util.List;

/**
 * A rule after compilation: its body is resolved, renamed and ordered for safety.
 * {@code suffix} is the part of the head reference below the rule's node in the rule tree
 * (empty for complete and plain multi-value rules; {@code [k]} for {@code p[k] := v}).
 */
public record CompiledRule(Rule rule, Kind kind, List<Term> suffix, List<String> path, Module module) {
    public enum Kind {
        /** {@code p := v}: one value. */
        COMPLETE,
        /** {@code p contains x}: a set built from all solutions. */
        MULTI_VALUE,
        /** {@code p[k] := v}, {@code a.b[c].d := v}, {@code p[k] contains x}: an object built from all solutions. */
        OBJECT,
        /** {@code f(x) := y}. */
        FUNCTION
    }

    public CompiledRule {
        suffix = List.copyOf(suffix);
        path = List.copyOf(path);
    }
}
