package dev.airlock.policy.compile;

import dev.airlock.policy.ast.Expr;
import java.util.List;

/**
 * A query ready to evaluate: its ordered body and the variables whose bindings form the
 * result (user-written names only; generated variables are left out).
 */
public record CompiledQuery(String text, List<Expr> body, List<String> resultVars) {
    public CompiledQuery {
        body = List.copyOf(body);
        resultVars = List.copyOf(resultVars);
    }
}
