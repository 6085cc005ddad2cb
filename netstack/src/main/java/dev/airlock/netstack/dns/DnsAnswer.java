package dev.airlock.netstack.dns;

import java.net.Inet4Address;
import java.util.List;

/** What the responder sends back for one question. */
public sealed interface DnsAnswer {
    /** NOERROR with these IPv4 addresses (none: an empty answer, e.g. for AAAA). */
    record Addresses(List<Inet4Address> addresses, int ttlSeconds) implements DnsAnswer {
        public Addresses {
            addresses = List.copyOf(addresses);
        }
    }

    /** NXDOMAIN: the name does not exist for this sandbox (denied by policy, or unknown). */
    record NameError() implements DnsAnswer {}

    /** SERVFAIL: the answer could not be produced (resolver failure, timeout). */
    record ServerFailure() implements DnsAnswer {}

    static DnsAnswer addresses(List<Inet4Address> addresses, int ttlSeconds) {
        return new Addresses(addresses, ttlSeconds);
    }

    static DnsAnswer empty(int ttlSeconds) {
        return new Addresses(List.of(), ttlSeconds);
    }

    static DnsAnswer nameError() {
        return new NameError();
    }

    static DnsAnswer serverFailure() {
        return new ServerFailure();
    }
}
