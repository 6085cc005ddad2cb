package dev.airlock.gateway.net;

import java.net.InetAddress;
import java.util.List;

/**
 * Decides whether an address that a name resolved to (or that a client gave literally) may be
 * dialed. Public addresses pass; special-purpose ones pass only when the connect decision's
 * {@code allow_cidrs} contains them. Cloud metadata endpoints need an entry that names the
 * exact address (a /32 or /128), so allowing a whole link-local range never opens them.
 */
public final class DestinationGuard {
    private DestinationGuard() {}

    /** Why an address was refused; null from {@link #check} means it may be dialed. */
    public record Refusal(InetAddress address, AddressClass addressClass) {
        public String reason() {
            return "destination address " + HostLiteral.format(address) + " is " + addressClass.label()
                    + " and not listed in allow_cidrs";
        }
    }

    public static Refusal check(InetAddress address, List<Cidr> allowCidrs) {
        AddressClass c = AddressClass.of(address);
        if (c == null) return null;
        for (Cidr allowed : allowCidrs) {
            if (!allowed.contains(address)) continue;
            if (c == AddressClass.METADATA && allowed.prefixLength() != allowed.network().length * 8) continue;
            return null;
        }
        return new Refusal(address, c);
    }
}
