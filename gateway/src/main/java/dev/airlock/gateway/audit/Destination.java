package dev.airlock.gateway.audit;

import java.util.Objects;

/**
 * Where a flow or request was going: the name policy saw, the IP the gateway resolved and
 * checked (the one it dials, or would have dialed), and the port.
 *
 * @param host the destination name as requested ({@code CONNECT} target, SNI, {@code Host},
 *     DNS question); an IP literal when the guest dialed an address
 * @param ip the checked address, or {@code null} when none was resolved (denied before
 *     resolution, DNS phase)
 * @param port 0–65535; 0 when there is no port (DNS questions)
 */
public record Destination(String host, String ip, int port) {
    public Destination {
        Objects.requireNonNull(host, "host");
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port out of range 0-65535: " + port);
        }
    }
}
