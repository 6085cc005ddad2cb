package dev.airlock.policy.value;

/** A Rego string. Strings order by Unicode code point, as Go compares UTF-8 bytes. */
public record StringValue(String value) implements Value {
    public static final StringValue EMPTY = new StringValue("");

    public StringValue {
        if (value == null) throw new NullPointerException("value");
    }

    public static StringValue of(String s) {
        return new StringValue(s);
    }

    @Override
    public int kindRank() {
        return 3;
    }

    @Override
    public String typeName() {
        return "string";
    }

    /** Strings are the usual object keys: compare them without the generic kind dispatch. */
    @Override
    public int compareTo(Value other) {
        if (other instanceof StringValue s) return value == s.value ? 0 : Values.compareCodePoints(value, s.value);
        return Value.super.compareTo(other);
    }

    @Override
    public String toString() {
        return Json.quote(value);
    }
}
