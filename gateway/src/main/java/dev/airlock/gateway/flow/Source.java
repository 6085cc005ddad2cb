package dev.airlock.gateway.flow;

import java.util.Map;

/**
 * Who opened a flow: the agent named by its proxy credentials, or the sandbox (VM) it came
 * from. Unauthenticated proxy clients are {@link #ANONYMOUS}.
 */
public record Source(String agent, String vm, Map<String, String> labels) {
    public static final Source ANONYMOUS = new Source("anonymous", "", Map.of());

    public Source {
        labels = Map.copyOf(labels);
    }
}
