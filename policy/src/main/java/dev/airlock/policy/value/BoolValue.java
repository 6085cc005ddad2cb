package dev.airlock.policy.value;

/** {@code true} or {@code false}; false orders before true. There are two instances. */
public final class BoolValue implements Value {
    public static final BoolValue FALSE = new BoolValue(false);
    public static final BoolValue TRUE = new BoolValue(true);

    private final boolean value;

    private BoolValue(boolean value) {
        this.value = value;
    }

    public static BoolValue of(boolean b) {
        return b ? TRUE : FALSE;
    }

    public boolean value() {
        return value;
    }

    @Override
    public int kindRank() {
        return 1;
    }

    @Override
    public String typeName() {
        return "boolean";
    }

    @Override
    public String toString() {
        return value ? "true" : "false";
    }
}
