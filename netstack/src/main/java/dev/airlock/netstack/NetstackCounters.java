package dev.airlock.netstack;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The values of every {@link Counter} of one stack. Increments come from the stack thread and
 * from link reader threads; reads may come from any thread.
 */
public final class NetstackCounters {
    private final AtomicLongArray values = new AtomicLongArray(Counter.values().length);

    public void inc(Counter counter) {
        values.incrementAndGet(counter.ordinal());
    }

    public void add(Counter counter, long delta) {
        values.addAndGet(counter.ordinal(), delta);
    }

    public long get(Counter counter) {
        return values.get(counter.ordinal());
    }

    /** All counters by metric name, in declaration order (zeros included). */
    public Map<String, Long> snapshot() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Counter c : Counter.values()) {
            out.put(c.metricName(), get(c));
        }
        return out;
    }

    /** Non-zero counters only, for logs and test failure messages. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (Counter c : Counter.values()) {
            long v = get(c);
            if (v != 0) {
                if (sb.length() > 1) sb.append(", ");
                sb.append(c.metricName()).append('=').append(v);
            }
        }
        return sb.append('}').toString();
    }
}
