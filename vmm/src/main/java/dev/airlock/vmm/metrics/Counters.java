package dev.airlock.vmm.metrics;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Named monotonic counters, one per constant of {@code E}. Every place that drops guest input
 * increments one, so what a misbehaving guest did is visible without exceptions on the data
 * path. The counter's name is the constant's name in lower case, e.g. {@code tx_malformed_frames}.
 */
public final class Counters<E extends Enum<E>> {

    private final Class<E> type;
    private final EnumMap<E, AtomicLong> values;

    public Counters(Class<E> type) {
        this.type = type;
        this.values = new EnumMap<>(type);
        for (E e : type.getEnumConstants()) {
            values.put(e, new AtomicLong());
        }
    }

    public void increment(E counter) {
        values.get(counter).incrementAndGet();
    }

    public void add(E counter, long delta) {
        values.get(counter).addAndGet(delta);
    }

    public long get(E counter) {
        return values.get(counter).get();
    }

    /** All counters by name, in declaration order. */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (E e : type.getEnumConstants()) {
            out.put(e.name().toLowerCase(Locale.ROOT), values.get(e).get());
        }
        return out;
    }
}
