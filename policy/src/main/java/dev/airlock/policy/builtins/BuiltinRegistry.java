package dev.airlock.policy.builtins;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The one explicit table of builtins. Each family contributes its declarations through a
 * static {@code declarations()} method, listed in {@link #FAMILIES}; nothing registers itself.
 */
public final class BuiltinRegistry {
    /** Every builtin family, in one place. */
    private static final List<List<Builtin>> FAMILIES = List.of(
            ComparisonBuiltins.declarations(),
            ArithmeticBuiltins.declarations(),
            AggregateBuiltins.declarations(),
            ArrayBuiltins.declarations(),
            SetBuiltins.declarations(),
            TypeBuiltins.declarations(),
            CastBuiltins.declarations(),
            StringBuiltins.declarations(),
            ObjectBuiltins.declarations(),
            EncodingBuiltins.declarations(),
            SerializationBuiltins.declarations(),
            JsonSchemaBuiltins.declarations(),
            RegexBuiltins.declarations(),
            GlobBuiltins.declarations(),
            NetBuiltins.declarations(),
            TimeBuiltins.declarations(),
            UnitsBuiltins.declarations(),
            SemverBuiltins.declarations(),
            UuidBuiltins.declarations(),
            RandBuiltins.declarations(),
            CryptoBuiltins.declarations(),
            X509Builtins.declarations(),
            JwtBuiltins.declarations(),
            GraphBuiltins.declarations(),
            GraphQLBuiltins.declarations(),
            HttpBuiltins.declarations(),
            ProvidersBuiltins.declarations());

    private static final BuiltinRegistry DEFAULT = new BuiltinRegistry(FAMILIES.stream().flatMap(List::stream).toList());

    private final Map<String, Builtin> byName;
    /** The same table hashed: the evaluator looks builtins up by name on every call. */
    private final Map<String, Builtin> lookup;

    public BuiltinRegistry(Collection<Builtin> builtins) {
        Map<String, Builtin> m = new TreeMap<>();
        for (Builtin b : builtins) {
            if (m.put(b.name(), b) != null) {
                throw new IllegalArgumentException("builtin declared twice: " + b.name());
            }
        }
        byName = Collections.unmodifiableMap(m);
        lookup = new java.util.HashMap<>(m);
    }

    public static BuiltinRegistry standard() {
        return DEFAULT;
    }

    /** The builtin with this name, or null. */
    public Builtin get(String name) {
        return lookup.get(name);
    }

    public Collection<Builtin> all() {
        return byName.values();
    }

    /** A registry with some builtins added or replaced (used for tests and custom functions). */
    public BuiltinRegistry with(Collection<Builtin> extra) {
        Map<String, Builtin> m = new TreeMap<>(byName);
        for (Builtin b : extra) m.put(b.name(), b);
        return new BuiltinRegistry(new ArrayList<>(m.values()));
    }
}
