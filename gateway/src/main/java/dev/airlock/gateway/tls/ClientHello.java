package dev.airlock.gateway.tls;

import java.util.List;

/**
 * What the gateway needs from a TLS ClientHello before choosing how to handle a flow.
 *
 * @param serverName the SNI host name (lower case), or null when the client sent none
 * @param alpn       the protocols the client offers, in its order (empty when none)
 */
public record ClientHello(String serverName, List<String> alpn) {
    public ClientHello {
        alpn = List.copyOf(alpn);
    }
}
