package dev.airlock.policy.value;

import java.util.Collection;
import java.util.Collections;
import java.util.NavigableSet;
import java.util.TreeSet;

/** An immutable Rego set, iterated in sorted order. Sets compare element by element, then by size. */
public final class SetValue implements Value {
    public static final SetValue EMPTY = new SetValue(new TreeSet<>());

    private final NavigableSet<Value> elements;
    private int hash;

    private SetValue(NavigableSet<Value> sorted) {
        this.elements = Collections.unmodifiableNavigableSet(sorted);
    }

    public static SetValue of(Collection<? extends Value> elements) {
        return elements.isEmpty() ? EMPTY : new SetValue(new TreeSet<>(elements));
    }

    public static SetValue of(Value... elements) {
        return of(java.util.List.of(elements));
    }

    /** Takes ownership of a set the caller will not touch again (avoids a copy). */
    public static SetValue wrap(TreeSet<Value> owned) {
        return owned.isEmpty() ? EMPTY : new SetValue(owned);
    }

    public NavigableSet<Value> elements() {
        return elements;
    }

    public boolean contains(Value v) {
        return elements.contains(v);
    }

    public int size() {
        return elements.size();
    }

    @Override
    public int kindRank() {
        return 6;
    }

    @Override
    public String typeName() {
        return "set";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SetValue other && (this == other || elements.equals(other.elements));
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = elements.hashCode();
            hash = h;
        }
        return h;
    }

    @Override
    public String toString() {
        return Values.toRegoText(this);
    }
}
