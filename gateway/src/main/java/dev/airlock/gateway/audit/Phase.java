package dev.airlock.gateway.audit;

/** Which policy query a decision answered; written as the lower-case {@link #wireName()}. */
public enum Phase {
    /** The L4 decision, before any upstream connection is opened. */
    CONNECT("connect"),
    /** The L7 decision for one HTTP request (or WebSocket upgrade). */
    REQUEST("request"),
    /** A DNS query answered by the netstack's resolver. */
    DNS("dns");

    private final String wireName;

    Phase(String wireName) {
        this.wireName = wireName;
    }

    /** The name used in the log and in the policy input's {@code phase} field. */
    public String wireName() {
        return wireName;
    }

    /** The phase for a name read from a log, or {@code null} when the name is not one. */
    public static Phase fromWireName(String name) {
        for (Phase p : values()) {
            if (p.wireName.equals(name)) {
                return p;
            }
        }
        return null;
    }
}
