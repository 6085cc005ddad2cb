package dev.airlock.policy.value;

import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * An immutable Rego object. Keys may be any value (Rego allows non-string keys); entries
 * iterate in key order. Objects compare key by key (then value by value), then by size.
 */
public final class ObjectValue implements Value {
    public static final ObjectValue EMPTY = new ObjectValue(new TreeMap<>());

    private final NavigableMap<Value, Value> entries;
    private int hash;
    /**
     * Hashed copy of the entries for lookups in larger objects, built on first use. Values are
     * shared between threads (data, data-only rule values): the copy is an immutable map
     * published through a volatile field, so a racing thread sees it complete or builds its own.
     */
    private volatile Map<Value, Value> index;

    /** Objects with more entries than this are looked up through a hash index. */
    private static final int INDEX_FROM = 8;

    private ObjectValue(NavigableMap<Value, Value> sorted) {
        this.entries = Collections.unmodifiableNavigableMap(sorted);
    }

    /** Copies the given entries. */
    public static ObjectValue of(Map<? extends Value, ? extends Value> entries) {
        return entries.isEmpty() ? EMPTY : new ObjectValue(new TreeMap<>(entries));
    }

    /** Takes ownership of a map the caller will not touch again (avoids a copy). */
    public static ObjectValue wrap(TreeMap<Value, Value> owned) {
        return owned.isEmpty() ? EMPTY : new ObjectValue(owned);
    }

    public static ObjectValue of(String k1, Value v1) {
        TreeMap<Value, Value> m = new TreeMap<>();
        m.put(StringValue.of(k1), v1);
        return new ObjectValue(m);
    }

    public NavigableMap<Value, Value> entries() {
        return entries;
    }

    /** The value under key, or null when absent. */
    public Value get(Value key) {
        if (entries.size() <= INDEX_FROM) return entries.get(key);
        Map<Value, Value> idx = index;
        if (idx == null) {
            idx = Map.copyOf(entries);
            index = idx;
        }
        return idx.get(key);
    }

    public Value get(String key) {
        return get(StringValue.of(key));
    }

    public int size() {
        return entries.size();
    }

    @Override
    public int kindRank() {
        return 5;
    }

    @Override
    public String typeName() {
        return "object";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ObjectValue other && (this == other || entries.equals(other.entries));
    }

    @Override
    public int hashCode() {
        int h = hash;
        if (h == 0) {
            h = entries.hashCode();
            hash = h;
        }
        return h;
    }

    @Override
    public String toString() {
        return Json.write(this);
    }
}
