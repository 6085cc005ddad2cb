package dev.airlock.gateway.sandbox;

import dev.airlock.gateway.audit.AuditRecord;
import dev.airlock.gateway.audit.Phase;
import dev.airlock.gateway.decision.Decision;
import dev.airlock.gateway.decision.PolicyInput;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.gateway.flow.DecisionIds;
import dev.airlock.gateway.flow.GatewayContext;
import dev.airlock.gateway.flow.Source;
import dev.airlock.gateway.net.HostLiteral;
import dev.airlock.netstack.dns.DnsAnswer;
import dev.airlock.netstack.dns.DnsAnswerer;
import dev.airlock.netstack.dns.DnsQuery;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The sandbox's DNS: every question is a {@code dns}-phase policy decision; allowed names are
 * resolved by the gateway's own resolver (the one flows use, {@code --resolve} included),
 * denied names get NXDOMAIN, and every answer is audited before it is sent. A name the policy
 * denies is never looked up, so DNS cannot carry data out.
 *
 * <p>Only A questions get addresses (IPv6 is refused by the stack, so AAAA gets an empty
 * answer and clients fall back to IPv4 at once); other types get an empty answer after the
 * decision. Loopback answers become {@link HostAliases aliases}.
 */
public final class SandboxDns implements DnsAnswerer {
    /** TTL of answers; {@link dev.airlock.netstack.dns.ResolvedNames} remembers names as long. */
    public static final int TTL_SECONDS = 60;

    private final GatewayContext gateway;
    private final Source source;
    private final HostAliases aliases;

    public SandboxDns(GatewayContext gateway, Source source, HostAliases aliases) {
        this.gateway = gateway;
        this.source = source;
        this.aliases = aliases;
    }

    @Override
    public CompletionStage<DnsAnswer> answer(String name, int type, Inet4Address guest) {
        long started = System.nanoTime();
        String typeName = DnsQuery.typeName(type);
        if (!(HostLiteral.parse(name) instanceof HostLiteral.Name n) || !n.text().equals(name)) {
            // Not a host name a flow could ever be decided on (escaped bytes, IP-looking, empty).
            Decision d = Decision.deny("'" + name + "' is not a host name airlock resolves", DecisionIds.next(), "");
            return audit(name, null, d, List.of(), started).thenApply(x -> DnsAnswer.nameError());
        }
        ObjectValue input = PolicyInput.dns(source, name, typeName);
        return gateway.decider().decide(input).thenCompose(decision -> {
            if (!decision.allow()) {
                return audit(name, input, decision, List.of(), started).thenApply(x -> DnsAnswer.nameError());
            }
            if (type != DnsQuery.TYPE_A) {
                return audit(name, input, decision, List.of(), started).thenApply(x -> DnsAnswer.empty(TTL_SECONDS));
            }
            return resolve(name).handle((addresses, error) -> {
                if (error != null || addresses.isEmpty()) {
                    Decision failed = new Decision(decision.allow(), "allowed, but " + name + " does not resolve to an IPv4 address",
                            decision.decisionId(), decision.policyRevision(), decision.allowCidrs(), decision.tls(), decision.secrets());
                    return audit(name, input, failed, List.of(), started).thenApply(x -> DnsAnswer.nameError());
                }
                List<Inet4Address> shown = new ArrayList<>(addresses.size());
                for (Inet4Address a : addresses) shown.add(a.isLoopbackAddress() ? aliases.aliasFor(name, a) : a);
                return audit(name, input, decision, addresses, started).thenApply(x -> DnsAnswer.addresses(shown, TTL_SECONDS));
            }).thenCompose(f -> f);
        }).exceptionally(e -> DnsAnswer.serverFailure()); // audit log down, or a bug: no answer is given
    }

    private CompletableFuture<List<Inet4Address>> resolve(String name) {
        if (name.equals(HostAliases.HOST_NAME)) {
            return CompletableFuture.completedFuture(List.of((Inet4Address) InetAddress.getLoopbackAddress()));
        }
        return gateway.dialer().resolver().resolve(name).thenApply(all -> {
            List<Inet4Address> v4 = new ArrayList<>();
            for (InetAddress a : all) if (a instanceof Inet4Address x) v4.add(x);
            return v4;
        });
    }

    /** @param input what the policy decided on, or null when the gateway refused the name itself */
    private CompletableFuture<Long> audit(String name, ObjectValue input, Decision d, List<Inet4Address> resolved, long started) {
        return gateway.audit().append(AuditRecord.builder()
                .time(Instant.now())
                .decisionId(d.decisionId())
                .agent(source.agent())
                .phase(Phase.DNS)
                .destination(name, resolved.isEmpty() ? null : HostLiteral.format(resolved.getFirst()), 0)
                .durationMs((System.nanoTime() - started) / 1_000_000)
                .allow(d.allow())
                .reason(d.reason())
                .policyRevision(d.policyRevision())
                .input(input)
                .build());
    }
}
