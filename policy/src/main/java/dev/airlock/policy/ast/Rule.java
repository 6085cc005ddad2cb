package dev.airlock.policy.ast;

import java.util.List;

/**
 * One rule definition. {@code elseRule} continues an else-chain; annotations are the
 * METADATA blocks attached to this rule (rule and document scope).
 */
public record Rule(boolean isDefault, Head head, List<Expr> body, Rule elseRule, List<Annotation> annotations,
        Location location) {
    public Rule {
        body = List.copyOf(body);
        annotations = List.copyOf(annotations);
    }

    public Rule withBody(List<Expr> b) {
        return new Rule(isDefault, head, b, elseRule, annotations, location);
    }

    public Rule withHead(Head h) {
        return new Rule(isDefault, h, body, elseRule, annotations, location);
    }

    public Rule withElse(Rule e) {
        return new Rule(isDefault, head, body, e, annotations, location);
    }
}
