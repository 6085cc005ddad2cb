package dev.airlock.policy.value;

/**
 * A ground Rego value: the terms that documents, inputs and results are made of.
 *
 * <p>Values are immutable and totally ordered with OPA's order, so that sets and objects have
 * one deterministic iteration order everywhere (results, JSON output, the audit log):
 * {@code null < boolean < number < string < array < object < set}; within a kind, see each type.
 */
public sealed interface Value extends Comparable<Value>
        permits NullValue, BoolValue, NumberValue, StringValue, ArrayValue, ObjectValue, SetValue {

    /** Rank of this value's kind in OPA's cross-kind order. */
    int kindRank();

    /** The name OPA's {@code type_name} builtin gives this kind: "null", "boolean", "number", ... */
    String typeName();

    @Override
    default int compareTo(Value other) {
        int byKind = Integer.compare(kindRank(), other.kindRank());
        return byKind != 0 ? byKind : Values.compareSameKind(this, other);
    }
}
