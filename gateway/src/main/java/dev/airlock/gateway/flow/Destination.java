package dev.airlock.gateway.flow;

import java.net.InetAddress;

/**
 * Where a flow goes. {@code host} is the name (or canonical IP literal) policy decides on;
 * {@code address} is the one address that passed the guard and is dialed — null until
 * resolution. Keeping both in one record is how "what was checked is what is dialed" is kept.
 */
public record Destination(String host, int port, InetAddress address) {
    public Destination withAddress(InetAddress a) {
        return new Destination(host, port, a);
    }

    public String authority() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
