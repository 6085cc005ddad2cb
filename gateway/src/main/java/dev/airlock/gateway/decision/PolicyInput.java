package dev.airlock.gateway.decision;

import dev.airlock.gateway.flow.Destination;
import dev.airlock.gateway.flow.Source;
import dev.airlock.gateway.net.HostLiteral;
import dev.airlock.policy.value.ArrayValue;
import dev.airlock.policy.value.NumberValue;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.StringValue;
import dev.airlock.policy.value.Value;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds the input documents the policy sees, one shape for proxy and sandbox flows. The
 * schema is the contract documented in {@code docs/policy.md}; change both together.
 */
public final class PolicyInput {
    private PolicyInput() {}

    /** The HTTP request as the policy sees it: header values with secrets already replaced by placeholder names. */
    public record Request(String method, String scheme, String path, Map<String, List<String>> query,
                          Map<String, List<String>> headers, String protocol) {}

    public static ObjectValue connect(Source source, Destination destination, String sni) {
        TreeMap<Value, Value> m = new TreeMap<>();
        put(m, "phase", str("connect"));
        put(m, "source", source(source));
        put(m, "destination", destination(destination, sni));
        return ObjectValue.wrap(m);
    }

    /**
     * A sandbox's DNS question: {@code {"phase": "dns", "source": ..., "dns": {"name", "type"}}}.
     * The name is lower case without a trailing dot; the type is its mnemonic ("A", "AAAA",
     * "TYPE65", ...).
     */
    public static ObjectValue dns(Source source, String name, String type) {
        TreeMap<Value, Value> m = new TreeMap<>();
        put(m, "phase", str("dns"));
        put(m, "source", source(source));
        TreeMap<Value, Value> q = new TreeMap<>();
        put(q, "name", str(name));
        put(q, "type", str(type));
        put(m, "dns", ObjectValue.wrap(q));
        return ObjectValue.wrap(m);
    }

    public static ObjectValue request(Source source, Destination destination, String sni, Request request,
                                      Collection<String> secretNames) {
        TreeMap<Value, Value> m = new TreeMap<>();
        put(m, "phase", str("request"));
        put(m, "source", source(source));
        put(m, "destination", destination(destination, sni));
        TreeMap<Value, Value> r = new TreeMap<>();
        put(r, "method", str(request.method()));
        put(r, "scheme", str(request.scheme()));
        put(r, "path", str(request.path()));
        put(r, "query", multimap(request.query()));
        put(r, "headers", multimap(request.headers()));
        put(r, "protocol", str(request.protocol()));
        put(m, "request", ObjectValue.wrap(r));
        put(m, "secrets", strings(secretNames));
        return ObjectValue.wrap(m);
    }

    private static Value source(Source s) {
        TreeMap<Value, Value> m = new TreeMap<>();
        put(m, "agent", str(s.agent()));
        put(m, "vm", str(s.vm()));
        TreeMap<Value, Value> labels = new TreeMap<>();
        s.labels().forEach((k, v) -> labels.put(str(k), str(v)));
        put(m, "labels", ObjectValue.wrap(labels));
        return ObjectValue.wrap(m);
    }

    private static Value destination(Destination d, String sni) {
        TreeMap<Value, Value> m = new TreeMap<>();
        put(m, "host", str(d.host()));
        put(m, "port", NumberValue.of(d.port()));
        put(m, "transport", str("tcp"));
        if (d.address() != null) put(m, "ip", str(HostLiteral.format(d.address())));
        if (sni != null) put(m, "sni", str(sni));
        return ObjectValue.wrap(m);
    }

    private static Value multimap(Map<String, List<String>> map) {
        TreeMap<Value, Value> m = new TreeMap<>();
        map.forEach((k, v) -> m.put(str(k), strings(v)));
        return ObjectValue.wrap(m);
    }

    private static Value strings(Collection<String> items) {
        List<Value> out = new ArrayList<>(items.size());
        for (String s : items) out.add(str(s));
        return new ArrayValue(out);
    }

    private static StringValue str(String s) {
        return StringValue.of(s == null ? "" : s);
    }

    private static void put(Map<Value, Value> m, String k, Value v) {
        m.put(StringValue.of(k), v);
    }
}
