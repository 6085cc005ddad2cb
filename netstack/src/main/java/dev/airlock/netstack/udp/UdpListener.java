package dev.airlock.netstack.udp;

import io.netty.buffer.ByteBuf;

/** Receives datagrams for a bound gateway port (the DNS responder binds port 53). Runs on the stack thread. */
@FunctionalInterface
public interface UdpListener {
    /** {@code payload} is a copy owned by the listener. Reply through {@link UdpLayer#send}. */
    void onDatagram(int srcIp, int srcPort, int dstIp, int dstPort, ByteBuf payload);
}
