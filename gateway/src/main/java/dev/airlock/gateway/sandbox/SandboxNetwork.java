package dev.airlock.gateway.sandbox;

import dev.airlock.gateway.flow.GatewayContext;
import dev.airlock.gateway.flow.Source;
import dev.airlock.netstack.NetStack;
import dev.airlock.netstack.StackConfig;
import dev.airlock.netstack.dns.DnsServer;
import dev.airlock.netstack.dns.ResolvedNames;
import dev.airlock.netstack.link.LinkEndpoint;
import io.netty.channel.EventLoop;

/**
 * One sandbox's network, joined to the gateway: a netstack on {@code link} whose TCP flows
 * are decided by {@link SandboxAcceptor} and whose DNS (gateway address, UDP 53) is answered
 * by {@link SandboxDns}. The stack runs on one of the gateway's event loops, so a flow, its
 * upstream channel and the stack share a thread and relaying needs no hand-offs.
 */
public final class SandboxNetwork implements AutoCloseable {
    /** Addresses remembered per sandbox for name-aware L4 decisions. */
    public static final int MAX_REMEMBERED_ADDRESSES = 4096;
    /**
     * The sandbox link's MTU: the largest a TAP (and an IPv4 packet) allows, as pasta and
     * slirp4netns use. Nothing leaves the host at this size — the stack terminates every
     * connection — so a large MTU only means fewer, larger frames: one 64 KiB segment costs one
     * TAP read or write, one header parse and one checksum pass instead of 45.
     */
    public static final int MTU = 65520;

    private final NetStack stack;
    private final ResolvedNames names;

    private SandboxNetwork(NetStack stack, ResolvedNames names) {
        this.stack = stack;
        this.names = names;
    }

    public static SandboxNetwork start(GatewayContext gateway, Source source, StackConfig config, LinkEndpoint link, EventLoop loop) {
        ResolvedNames names = new ResolvedNames(MAX_REMEMBERED_ADDRESSES);
        HostAliases aliases = HostAliases.defaults();
        NetStack stack = NetStack.start(config, link, new SandboxAcceptor(gateway, source, names, aliases, loop), loop);
        DnsServer.bind(stack, new SandboxDns(gateway, source, aliases), names);
        return new SandboxNetwork(stack, names);
    }

    public NetStack stack() {
        return stack;
    }

    public ResolvedNames names() {
        return names;
    }

    /** Resets every open connection and closes the link. */
    @Override
    public void close() {
        stack.close();
    }
}
