package dev.airlock.policy.ast;

import dev.airlock.policy.value.Value;
import java.util.List;

/**
 * A Rego term: the operands expressions are made of. Terms are immutable; the compiler
 * produces rewritten copies rather than mutating them.
 */
public sealed interface Term {
    Location location();

    /** null, boolean, number or string literal. */
    record Scalar(Value value, Location location) implements Term {
        @Override
        public String toString() {
            return value.toString();
        }
    }

    /** A variable. Generated names start with {@code $} or {@code __}; {@code _} never survives parsing. */
    record Var(String name, Location location) implements Term {
        public Var {
            // Interned: frames compare variable names by reference first.
            name = name.intern();
        }

        public boolean isGenerated() {
            return name.startsWith("$") || name.startsWith("__");
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** {@code head.a[b]...}: the head is a var (or any term), the rest are operands. */
    record Ref(List<Term> path, Location location) implements Term {
        public Ref {
            path = List.copyOf(path);
        }

        public Term head() {
            return path.getFirst();
        }

        /** The head var's name, or null when the head is not a var. */
        public String headName() {
            return path.getFirst() instanceof Var v ? v.name() : null;
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder(path.getFirst().toString());
            for (int i = 1; i < path.size(); i++) {
                Term t = path.get(i);
                if (t instanceof Scalar s && s.value() instanceof dev.airlock.policy.value.StringValue str
                        && Lexer.isIdentifier(str.value())) {
                    sb.append('.').append(str.value());
                } else {
                    sb.append('[').append(t).append(']');
                }
            }
            return sb.toString();
        }
    }

    record ArrayTerm(List<Term> items, Location location) implements Term {
        public ArrayTerm {
            items = List.copyOf(items);
        }

        @Override
        public String toString() {
            return "[" + String.join(", ", items.stream().map(Term::toString).toList()) + "]";
        }
    }

    record SetTerm(List<Term> items, Location location) implements Term {
        public SetTerm {
            items = List.copyOf(items);
        }

        @Override
        public String toString() {
            return items.isEmpty() ? "set()" : "{" + String.join(", ", items.stream().map(Term::toString).toList()) + "}";
        }
    }

    record ObjectTerm(List<Term> keys, List<Term> values, Location location) implements Term {
        public ObjectTerm {
            keys = List.copyOf(keys);
            values = List.copyOf(values);
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("{");
            for (int i = 0; i < keys.size(); i++) {
                if (i > 0) sb.append(", ");
                sb.append(keys.get(i)).append(": ").append(values.get(i));
            }
            return sb.append('}').toString();
        }
    }

    record ArrayCompr(Term head, List<Expr> body, Location location) implements Term {
        @Override
        public String toString() {
            return "[" + head + " | " + Expr.bodyText(body) + "]";
        }
    }

    record SetCompr(Term head, List<Expr> body, Location location) implements Term {
        @Override
        public String toString() {
            return "{" + head + " | " + Expr.bodyText(body) + "}";
        }
    }

    record ObjectCompr(Term key, Term value, List<Expr> body, Location location) implements Term {
        @Override
        public String toString() {
            return "{" + key + ": " + value + " | " + Expr.bodyText(body) + "}";
        }
    }

    /**
     * A call of a builtin or user function; infix operators become calls with OPA's names.
     * {@code name} is the callee's dotted name ({@code count}, {@code data.pkg.f}), computed
     * once from {@code op}: the evaluator looks calls up by it on every evaluation.
     */
    record Call(Ref op, List<Term> args, Location location, String name) implements Term {
        public Call {
            args = List.copyOf(args);
        }

        public Call(Ref op, List<Term> args, Location location) {
            this(op, args, location, Terms.refName(op));
        }

        @Override
        public String toString() {
            return name() + "(" + String.join(", ", args.stream().map(Term::toString).toList()) + ")";
        }
    }

    /**
     * {@code $"text {expr} text"}: literal parts are Strings, expression parts are {@link Expr}s
     * (a term, possibly with {@code with} modifiers).
     */
    record TemplateString(List<Object> parts, boolean raw, Location location) implements Term {
        public TemplateString {
            parts = List.copyOf(parts);
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("$\"");
            for (Object p : parts) {
                if (p instanceof String s) sb.append(s.replace("{", "\\{"));
                else sb.append('{').append(p).append('}');
            }
            return sb.append('"').toString();
        }
    }
}
