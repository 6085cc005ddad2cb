package dev.airlock.policy.compile;

import dev.airlock.policy.ast.Expr;
import java.util.List;

/**
 * A query ready to evaluate: its ordered body and the variables whose bindings form the
 * result (user-written names only; generated variables are left out). {@code deterministic}
 * is false when evaluating it can call a non-deterministic builtin, directly or through the
 * rules and functions it reaches (see {@link RuleNode#isDeterministic()}): two evaluations
 * with the same input may then answer differently.
 */
public record CompiledQuery(String text, List<Expr> body, List<String> resultVars, boolean deterministic) {
    public CompiledQuery {
        body = List.copyOf(body);
        resultVars = List.copyOf(resultVars);
    }
}
