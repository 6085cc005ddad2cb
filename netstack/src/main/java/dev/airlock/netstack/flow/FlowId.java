package dev.airlock.netstack.flow;

import java.net.InetSocketAddress;

/**
 * Identifies a guest flow: the guest's own address and port, and the destination it dialed
 * (which the stack impersonates). This is the L4 policy input.
 */
public record FlowId(Transport transport, InetSocketAddress source, InetSocketAddress destination) {
    @Override
    public String toString() {
        return transport.name().toLowerCase(java.util.Locale.ROOT) + " " + source.getAddress().getHostAddress() + ":"
                + source.getPort() + " -> " + destination.getAddress().getHostAddress() + ":" + destination.getPort();
    }
}
