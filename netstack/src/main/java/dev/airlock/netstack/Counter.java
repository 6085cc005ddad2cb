package dev.airlock.netstack;

/**
 * Every named counter of the stack, one constant per drop site or notable event. The table is
 * the single list of what the stack counts; {@link NetstackCounters} holds the values.
 * Names are exported in snake case ({@link #metricName()}).
 */
public enum Counter {
    // link
    LINK_RX_FRAMES("frames received from the link"),
    LINK_TX_FRAMES("frames written to the link"),
    LINK_RX_BACKLOG_FULL("inbound frames dropped because the stack's inbound queue was full"),
    LINK_RX_TOO_LARGE("inbound frames dropped because they exceed the link's maximum frame size"),
    LINK_TX_ERRORS("outbound frames the link failed to write"),
    LINK_VNET_GSO_DROPPED("inbound frames dropped because they carried GSO, an offload the link does not enable"),
    LINK_RX_CHECKSUM_TRUSTED("inbound frames whose TCP/UDP checksum the guest's kernel left to the device (NEEDS_CSUM) or had verified (DATA_VALID), taken without a check"),
    LINK_VNET_BAD_HEADER("inbound frames with a malformed virtio-net header"),
    STACK_INTERNAL_ERRORS("frames whose processing hit a stack bug (exception caught at the frame boundary)"),
    // ethernet
    ETH_TOO_SHORT("frames shorter than an Ethernet header"),
    ETH_NOT_FOR_US("frames whose destination MAC is neither ours nor broadcast"),
    ETH_UNKNOWN_TYPE("frames with an EtherType the stack does not handle (VLAN, LLDP, ...)"),
    // arp
    ARP_MALFORMED("ARP packets that are too short or not Ethernet/IPv4"),
    ARP_IGNORED("valid ARP packets that are not requests for the gateway address"),
    ARP_REPLIES("ARP replies sent for the gateway address"),
    // ipv4
    IP4_TOO_SHORT("IPv4 packets shorter than their header"),
    IP4_BAD_VERSION("IPv4 packets whose version field is not 4"),
    IP4_BAD_IHL("IPv4 packets with a header length below 20 bytes or beyond the packet"),
    IP4_BAD_TOTAL_LENGTH("IPv4 packets whose total length is below the header or beyond the frame"),
    IP4_BAD_CHECKSUM("IPv4 packets with a wrong header checksum"),
    IP4_TTL_ZERO("IPv4 packets with TTL 0"),
    IP4_BAD_SOURCE("IPv4 packets whose source is not the guest address"),
    IP4_NOT_UNICAST("IPv4 packets to broadcast, multicast or reserved destinations"),
    IP4_UNKNOWN_PROTOCOL("IPv4 packets of a protocol other than ICMP/TCP/UDP (answered with ICMP when allowed)"),
    IP4_DELIVERED("IPv4 packets handed to a transport"),
    // fragments
    FRAG_RECEIVED("IPv4 fragments received"),
    FRAG_BAD_OFFSET("fragments whose offset/length run past 65535 or are not 8-byte aligned"),
    FRAG_OVERLAP("datagrams discarded because fragments overlapped inconsistently"),
    FRAG_TOO_MANY("datagrams discarded because they exceeded the per-datagram fragment limit"),
    FRAG_TABLE_FULL("fragments dropped because the reassembly table hit its datagram or byte limit"),
    FRAG_TIMEOUT("datagrams discarded because reassembly timed out"),
    FRAG_REASSEMBLED("datagrams reassembled"),
    // icmp
    ICMP_MALFORMED("ICMP messages that are too short or have a bad checksum"),
    ICMP_ECHO_REPLIES("echo replies sent for the gateway address"),
    ICMP_ECHO_REFUSED("echo requests to other destinations, answered with admin-prohibited"),
    ICMP_IGNORED("ICMP messages that need no answer (errors from the guest, replies, ...)"),
    ICMP_ERRORS_SENT("ICMP error messages sent"),
    ICMP_ERRORS_RATE_LIMITED("ICMP errors suppressed by the rate limit"),
    // udp
    UDP_MALFORMED("UDP datagrams with a bad length"),
    UDP_BAD_CHECKSUM("UDP datagrams with a bad checksum"),
    UDP_PORT_UNREACHABLE("UDP datagrams to a gateway port without a listener"),
    UDP_PROHIBITED("UDP datagrams to other destinations, refused with admin-prohibited"),
    UDP_DELIVERED("UDP datagrams handed to a listener"),
    // dns (the responder on the gateway address, port 53)
    DNS_QUERIES("well-formed DNS queries received"),
    DNS_MALFORMED("DNS messages dropped: too short, a response, not exactly one question, a bad or compressed name, truncated"),
    DNS_OVERLOADED("DNS queries dropped because too many were already waiting for an answer"),
    DNS_ANSWERED("DNS answers sent with NOERROR (addresses or an empty answer)"),
    DNS_NXDOMAIN("DNS answers sent with NXDOMAIN (denied or unknown names)"),
    DNS_NOTIMP("DNS answers sent with NOTIMP (opcode other than QUERY, class other than IN)"),
    DNS_SERVFAIL("DNS answers sent with SERVFAIL (the answer failed or timed out)"),
    DNS_TRUNCATED("UDP DNS answers sent with TC set because the addresses did not fit 512 bytes (the client retries over TCP)"),
    DNS_TCP_CONNECTIONS("DNS-over-TCP connections accepted on the gateway address"),
    DNS_TCP_REFUSED("DNS-over-TCP connections refused (RST) because too many were open"),
    DNS_TCP_BAD_LENGTH("DNS-over-TCP connections closed for a length prefix outside 12 bytes to the query size limit"),
    DNS_TCP_IDLE_CLOSED("DNS-over-TCP connections closed after the idle timeout"),
    // ipv6
    IP6_MALFORMED("IPv6 packets too short or with a bad payload length"),
    IP6_REFUSED("IPv6 packets refused with ICMPv6 administratively-prohibited"),
    IP6_NDP_ANSWERED("neighbor solicitations for the gateway link-local address answered"),
    IP6_CONTROL_DROPPED("NDP/MLD/ICMPv6 control messages dropped without an answer (not policy relevant)"),
    // tcp
    TCP_MALFORMED("TCP segments with a bad data offset or length"),
    TCP_BAD_CHECKSUM("TCP segments with a bad checksum"),
    TCP_BAD_OPTIONS("TCP segments with malformed options"),
    TCP_BAD_FLAGS("TCP segments with an impossible flag combination"),
    TCP_NO_CONNECTION("segments for no connection (answered with RST unless they were RSTs)"),
    TCP_SYN_RECEIVED("SYNs that started a decision"),
    TCP_SYN_BACKLOG_FULL("SYNs dropped because too many decisions were pending"),
    TCP_TABLE_FULL("SYNs dropped because the connection table was full"),
    TCP_SYN_WHILE_PENDING("retransmitted SYNs received while the decision was pending"),
    TCP_DENIED_RESET("connections refused with RST after the acceptor denied them"),
    TCP_DENIED_PROHIBITED("connections refused with ICMP admin-prohibited after the acceptor denied them"),
    TCP_DECISION_FAILED("decisions that failed or timed out (refused with RST, fail closed)"),
    TCP_ACCEPTED("connections the acceptor admitted (SYN-ACK sent)"),
    TCP_ESTABLISHED("connections that completed the handshake"),
    TCP_OUT_OF_WINDOW("segments outside the receive window (answered with ACK)"),
    TCP_PAWS_REJECTED("segments rejected by PAWS (old timestamp)"),
    TCP_CHALLENGE_ACKS("challenge ACKs sent (RFC 5961)"),
    TCP_CHALLENGE_ACK_LIMITED("challenge ACKs suppressed by the rate limit"),
    TCP_RESETS_RECEIVED("valid RSTs that closed a connection"),
    TCP_RESETS_SENT("RST segments sent"),
    TCP_ACK_TOO_NEW("segments acknowledging data never sent"),
    TCP_NO_ACK_FLAG("segments without ACK in a synchronized state"),
    TCP_OOO_QUEUED("out-of-order segments queued for reassembly"),
    TCP_OOO_QUEUE_FULL("out-of-order segments dropped because the reassembly queue was full"),
    TCP_RETRANSMITS("segments retransmitted"),
    TCP_FAST_RETRANSMITS("fast retransmissions (duplicate ACKs or SACK)"),
    TCP_RTO_EXPIRED("retransmission timeouts"),
    TCP_TIMEOUT_ABORTS("connections aborted after too many retransmissions or keepalive probes"),
    TCP_ZERO_WINDOW_PROBES("zero-window probes sent"),
    TCP_KEEPALIVE_PROBES("keepalive probes sent"),
    TCP_TIME_WAIT_REUSED("TIME_WAIT connections replaced by a new SYN"),
    FLOW_HANDLER_ERRORS("flow handler callbacks that threw (the flow was aborted)"),
    TCP_SEGMENTS_IN("TCP segments received and checksum-valid"),
    TCP_SEGMENTS_OUT("TCP segments sent");

    private final String description;

    Counter(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    /** The exported metric name, e.g. {@code ip4_bad_checksum}. */
    public String metricName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
