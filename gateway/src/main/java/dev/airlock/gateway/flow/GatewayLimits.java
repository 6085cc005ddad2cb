package dev.airlock.gateway.flow;

/**
 * Every size and time limit of the gateway, in one place.
 *
 * @param maxInitialLineBytes  longest HTTP request line (414 beyond)
 * @param maxHeaderBytes       largest HTTP header block (431 beyond)
 * @param headerTimeoutMillis  time a client has to send a complete request head (slowloris)
 * @param idleTimeoutMillis    a flow with no traffic either way for this long is closed
 * @param connectTimeoutMillis time to open an upstream TCP connection
 */
public record GatewayLimits(int maxInitialLineBytes, int maxHeaderBytes, long headerTimeoutMillis,
                            long idleTimeoutMillis, int connectTimeoutMillis) {
    public static final GatewayLimits DEFAULTS = new GatewayLimits(8 * 1024, 32 * 1024, 10_000, 300_000, 10_000);
}
