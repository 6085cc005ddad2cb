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

    @Override
    public String toString() {
        return Json.quote(value);
    }
}
