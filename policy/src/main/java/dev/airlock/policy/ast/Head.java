package dev.airlock.policy.ast;

import java.util.List;

/**
 * A rule head. {@code ref} is the rule's name with any reference suffix ({@code p},
 * {@code a.b[c].d}); {@code args} is null except for functions; {@code key} is set for
 * {@code contains} (multi-value) rules; {@code value} is the produced value (a literal
 * {@code true} when the rule states none).
 */
public record Head(Term.Ref ref, List<Term> args, Term key, Term value, boolean assign, Location location) {
    public Head {
        if (args != null) args = List.copyOf(args);
    }

    public String name() {
        return ref.headName();
    }

    public boolean isFunction() {
        return args != null;
    }

    public boolean isMultiValue() {
        return key != null;
    }
}
