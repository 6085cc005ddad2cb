package dev.airlock.gateway.sandbox;

import dev.airlock.gateway.flow.ConnectOutcome;
import dev.airlock.gateway.flow.ConnectPhase;
import dev.airlock.gateway.flow.Destination;
import dev.airlock.gateway.flow.Flow;
import dev.airlock.gateway.flow.FlowSniffer;
import dev.airlock.gateway.flow.GatewayContext;
import dev.airlock.gateway.flow.Source;
import dev.airlock.gateway.net.HostLiteral;
import dev.airlock.netstack.channel.FlowChannel;
import dev.airlock.netstack.channel.FlowChannelHandler;
import dev.airlock.netstack.dns.ResolvedNames;
import dev.airlock.netstack.flow.FlowAcceptor;
import dev.airlock.netstack.flow.FlowId;
import dev.airlock.netstack.flow.FlowVerdict;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetAddress;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Decides every guest SYN with the gateway's connect phase before the stack answers it
 * (invariant 2): policy on the name the guest resolved through airlock's DNS (or the IP
 * literal when it resolved none), the guard on the address it dialed, the upstream dial, the
 * audit record. Only an established upstream makes the stack complete the handshake; the
 * flow then becomes a {@link FlowChannel} and runs through {@link FlowSniffer} exactly like a
 * proxy tunnel — TLS interception, passthrough, plain HTTP, or denial. Any refusal is an
 * immediate RST, so the guest's connect fails at once instead of hanging.
 */
public final class SandboxAcceptor implements FlowAcceptor {
    private final GatewayContext gateway;
    private final Source source;
    private final ResolvedNames names;
    private final HostAliases aliases;
    private final EventLoop loop;

    public SandboxAcceptor(GatewayContext gateway, Source source, ResolvedNames names, HostAliases aliases, EventLoop loop) {
        this.gateway = gateway;
        this.source = source;
        this.names = names;
        this.aliases = aliases;
        this.loop = loop;
    }

    @Override
    public CompletionStage<FlowVerdict> onSyn(FlowId id) {
        Destination destination = destinationOf(id);
        return new ConnectPhase(gateway).run(source, destination, loop).thenApply(outcome -> switch (outcome) {
            case ConnectOutcome.Refused r -> FlowVerdict.reset();
            case ConnectOutcome.Established est -> FlowVerdict.accept(new FlowChannelHandler(
                    ch -> serve(ch, est), () -> est.upstream().close()));
        });
    }

    /**
     * The name policy decides on and the address that is dialed. The address is what the guest
     * dialed — which, for a name resolved through airlock, is what the gateway's resolver
     * answered — except for loopback aliases, which dial the loopback address they stand for.
     */
    Destination destinationOf(FlowId id) {
        InetAddress dialed = id.destination().getAddress();
        int port = id.destination().getPort();
        HostAliases.Alias alias = aliases.lookup(dialed);
        if (alias != null) {
            return new Destination(alias.name(), port, alias.loopback());
        }
        String name = names.nameFor(dialed, System.nanoTime() / 1_000_000);
        return new Destination(name != null ? name : HostLiteral.format(dialed), port, dialed);
    }

    private void serve(FlowChannel ch, ConnectOutcome.Established est) {
        var limits = gateway.limits();
        ch.pipeline().addLast("idle", new IdleStateHandler(0, 0, limits.idleTimeoutMillis(), TimeUnit.MILLISECONDS));
        ch.pipeline().addLast("idle-close", new IdleClose());
        // The sniffer tells TLS from plain HTTP itself, so plain bytes are really "http".
        Flow flow = new Flow(gateway, source, est.destination(), est.decision(), ch, est.upstream(), false);
        FlowSniffer.start(flow);
    }

    /** Closes a flow with no traffic either way for the gateway's idle timeout. */
    private static final class IdleClose extends ChannelInboundHandlerAdapter {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent) {
                ctx.close();
                return;
            }
            ctx.fireUserEventTriggered(evt);
        }
    }
}
