package dev.airlock.netstack.ipv4;

/**
 * Bounds on IPv4 reassembly, so fragments can never hold unbounded memory.
 *
 * @param maxDatagrams datagrams under reassembly at once
 * @param maxBytes payload bytes held across all datagrams under reassembly
 * @param maxFragmentsPerDatagram fragments one datagram may consist of
 * @param timeoutMillis how long a datagram may stay incomplete (RFC 791 suggests 15 s; Linux 30 s)
 */
public record FragmentLimits(int maxDatagrams, int maxBytes, int maxFragmentsPerDatagram, long timeoutMillis) {
    public static final FragmentLimits DEFAULT = new FragmentLimits(64, 1 << 20, 64, 30_000);
}
