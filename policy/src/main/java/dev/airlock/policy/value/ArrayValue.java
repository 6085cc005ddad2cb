package dev.airlock.policy.value;

import java.util.List;

/** An immutable Rego array. Arrays order element by element, then shorter first. */
public record ArrayValue(List<Value> elements) implements Value {
    public static final ArrayValue EMPTY = new ArrayValue(List.of());

    public ArrayValue {
        elements = List.copyOf(elements);
    }

    public static ArrayValue of(Value... elements) {
        return new ArrayValue(List.of(elements));
    }

    public int size() {
        return elements.size();
    }

    public Value get(int i) {
        return elements.get(i);
    }

    @Override
    public int kindRank() {
        return 4;
    }

    @Override
    public String typeName() {
        return "array";
    }

    @Override
    public String toString() {
        return Json.write(this);
    }
}
