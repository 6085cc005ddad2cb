package dev.airlock.policy.types;

import dev.airlock.policy.value.Value;
import java.util.List;
import java.util.Map;

/**
 * Static types of Rego terms, as OPA's type checker uses them: for builtin signatures and
 * compile-time {@code rego_type_error}s. {@link Any} with no members is "any"; with members it
 * is a union.
 */
public sealed interface Type {
    record Null() implements Type {}

    record Boolean() implements Type {}

    record Number() implements Type {}

    record String() implements Type {}

    /** Fixed-position element types, then the type of any further elements (null: none). */
    record Array(List<Type> positional, Type dynamic) implements Type {}

    record Set(Type of) implements Type {}

    /** Known keys with their types, then the key/value types of any further entries (null: none). */
    record Object(Map<Value, Type> known, Type dynamicKey, Type dynamicValue) implements Type {}

    /** A union; no members means "any". */
    record Any(List<Type> of) implements Type {}

    /**
     * A function signature. {@code variadic} (may be null) types any arguments past {@code args};
     * {@code result} is null for functions that are relations or return nothing usable.
     */
    record Function(List<Type> args, Type variadic, Type result) implements Type {}
}
