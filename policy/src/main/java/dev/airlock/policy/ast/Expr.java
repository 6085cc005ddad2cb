package dev.airlock.policy.ast;

import java.util.List;

/**
 * One expression of a rule body or query: what it does ({@link Kind}), whether it is negated
 * with {@code not}, and its {@code with} modifiers.
 */
public record Expr(Kind kind, boolean negated, List<With> withs, Location location) {
    public Expr {
        withs = List.copyOf(withs);
    }

    public Expr(Kind kind, Location location) {
        this(kind, false, List.of(), location);
    }

    public Expr withKind(Kind k) {
        return new Expr(k, negated, withs, location);
    }

    public Expr withWiths(List<With> w) {
        return new Expr(kind, negated, w, location);
    }

    /** The shapes an expression can take. */
    public sealed interface Kind {}

    /** A term used as an expression (true unless false/undefined); calls and operators included. */
    public record TermExpr(Term term) implements Kind {}

    /** {@code some x, y}: declares local variables. */
    public record SomeDecl(List<Term.Var> vars) implements Kind {}

    /** {@code some v in xs} / {@code some k, v in xs}; key is null for the one-variable form. */
    public record SomeIn(Term key, Term value, Term collection) implements Kind {}

    /** {@code every k, v in domain { body }}; key may be null. */
    public record Every(Term key, Term value, Term domain, List<Expr> body) implements Kind {}

    /** {@code with target as value}; target is {@code input...}, {@code data...} or a function name. */
    public record With(Term.Ref target, Term value, Location location) {
        @Override
        public String toString() {
            return "with " + target + " as " + value;
        }
    }

    public static String bodyText(List<Expr> body) {
        return String.join("; ", body.stream().map(Expr::toString).toList());
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        if (negated) sb.append("not ");
        switch (kind) {
            case TermExpr t -> sb.append(t.term());
            case SomeDecl s -> sb.append("some ").append(String.join(", ", s.vars().stream().map(Term.Var::name).toList()));
            case SomeIn s -> sb.append("some ").append(s.key() == null ? "" : s.key() + ", ")
                    .append(s.value()).append(" in ").append(s.collection());
            case Every e -> sb.append("every ").append(e.key() == null ? "" : e.key() + ", ")
                    .append(e.value()).append(" in ").append(e.domain()).append(" { ").append(bodyText(e.body())).append(" }");
        }
        for (With w : withs) sb.append(' ').append(w);
        return sb.toString();
    }
}
