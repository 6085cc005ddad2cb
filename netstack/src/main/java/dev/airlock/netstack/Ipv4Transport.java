package dev.airlock.netstack;

import dev.airlock.netstack.packet.Ipv4Packet;

/** A transport protocol handler the IPv4 layer dispatches to (gVisor's TransportDispatcher role). */
@FunctionalInterface
public interface Ipv4Transport {
    /**
     * Handles one validated, reassembled packet. The packet's buffer belongs to the caller and
     * is released after this returns: copy anything kept. Must not throw on bad contents.
     */
    void receive(Ipv4Packet packet);
}
