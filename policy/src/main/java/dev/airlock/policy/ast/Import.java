package dev.airlock.policy.ast;

/** {@code import data.x.y as z}; alias is null when none was given. */
public record Import(Term.Ref path, String alias, Location location) {
    /** The name the import binds in the module: the alias, or the last path element. */
    public String name() {
        if (alias != null) return alias;
        Term last = path.path().getLast();
        if (last instanceof Term.Scalar s && s.value() instanceof dev.airlock.policy.value.StringValue str) {
            return str.value();
        }
        return last instanceof Term.Var v ? v.name() : null;
    }
}
