package dev.airlock.netstack;

import io.netty.buffer.ByteBuf;

/** What transports use to send: the network layer below them (gVisor's NetworkEndpoint role). */
public interface Ipv4Output {
    /** Bytes every outbound transport buffer must leave in front of its header (Ethernet + IPv4). */
    int HEADROOM = 14 + 20;

    /**
     * Sends {@code packet} (readable bytes: transport header and payload, with {@link #HEADROOM}
     * writable bytes before the reader index) from {@code src} to the guest address {@code dst}.
     * Takes ownership.
     */
    void send(ByteBuf packet, int src, int dst, int protocol);

    /**
     * Sends an ICMP error quoting {@code quote} (the offending IP header and leading payload
     * bytes), subject to the stack's ICMP error rate limit.
     */
    void sendIcmpError(int src, int dst, byte[] quote, int type, int code);
}
