package dev.airlock.netstack;

import dev.airlock.netstack.ipv4.FragmentLimits;
import dev.airlock.netstack.packet.Ip4;
import dev.airlock.netstack.packet.MacAddress;
import dev.airlock.netstack.tcp.TcpConfig;

/**
 * Addresses and limits of one stack (one guest link).
 *
 * @param gatewayIp the stack's own IPv4 address on the link (the guest's default gateway)
 * @param gatewayMac the stack's MAC address
 * @param guestIp the only source address accepted from the guest (0 accepts any)
 * @param maxInboundBacklog frames queued from link threads to the stack thread before drops
 * @param fragments reassembly limits
 * @param icmpErrorsPerSecond rate limit for ICMP errors the stack sends (RFC 1812 4.3.2.8)
 * @param tcp TCP limits and timers
 */
public record StackConfig(int gatewayIp, MacAddress gatewayMac, int guestIp, int maxInboundBacklog,
                          FragmentLimits fragments, int icmpErrorsPerSecond, TcpConfig tcp) {

    /** The documentation defaults: gateway 198.18.0.1 (RFC 2544 benchmarking range), MAC 02:a1:0c:00:00:01. */
    public static StackConfig defaults() {
        return of("198.18.0.1", "198.18.0.2");
    }

    public static StackConfig of(String gatewayIp, String guestIp) {
        return new StackConfig(Ip4.parse(gatewayIp), MacAddress.parse("02:a1:0c:00:00:01"), Ip4.parse(guestIp),
                4096, FragmentLimits.DEFAULT, 1000, TcpConfig.DEFAULT);
    }

    public StackConfig withTcp(TcpConfig tcp) {
        return new StackConfig(gatewayIp, gatewayMac, guestIp, maxInboundBacklog, fragments, icmpErrorsPerSecond, tcp);
    }

    public StackConfig withFragments(FragmentLimits fragments) {
        return new StackConfig(gatewayIp, gatewayMac, guestIp, maxInboundBacklog, fragments, icmpErrorsPerSecond, tcp);
    }

    public StackConfig withIcmpErrorsPerSecond(int rate) {
        return new StackConfig(gatewayIp, gatewayMac, guestIp, maxInboundBacklog, fragments, rate, tcp);
    }
}
