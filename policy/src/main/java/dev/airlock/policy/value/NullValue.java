package dev.airlock.policy.value;

/** JSON/Rego {@code null}. There is one instance. */
public final class NullValue implements Value {
    public static final NullValue NULL = new NullValue();

    private NullValue() {}

    @Override
    public int kindRank() {
        return 0;
    }

    @Override
    public String typeName() {
        return "null";
    }

    @Override
    public String toString() {
        return "null";
    }
}
