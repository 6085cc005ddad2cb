package dev.airlock.gateway.flow;

import dev.airlock.gateway.decision.Decision;
import dev.airlock.gateway.http.HttpPipelines;
import dev.airlock.gateway.net.HostLiteral;
import dev.airlock.gateway.relay.RelayHandler;
import dev.airlock.gateway.tls.ClientHello;
import dev.airlock.gateway.tls.ClientHelloParser;
import dev.airlock.gateway.tls.TlsInterceptor;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;

/**
 * First handler of an established flow: reads the first bytes the client sends and chooses
 * how the flow continues — TLS interception, TLS passthrough (after the SNI check), plain
 * HTTP inspection, or a raw relay when policy chose passthrough. Anything it cannot classify
 * under an inspecting decision is denied: a flow that cannot be inspected is not let through.
 */
public final class FlowSniffer extends ChannelInboundHandlerAdapter {
    private final Flow flow;
    private final long startedNanos = System.nanoTime();
    private ByteBuf buffered;
    private boolean decided;

    public FlowSniffer(Flow flow) {
        this.flow = flow;
    }

    /** Installs the sniffer on the flow's client channel and starts reading. */
    public static void start(Flow flow) {
        flow.client().pipeline().addLast("sniffer", new FlowSniffer(flow));
        flow.client().config().setAutoRead(true);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in) || decided) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (buffered == null) {
            buffered = in;
        } else {
            buffered = ctx.alloc().compositeBuffer().addComponents(true, buffered, in);
        }
        switch (ClientHelloParser.parse(buffered)) {
            case ClientHelloParser.Result.NeedMore n -> { }
            case ClientHelloParser.Result.Parsed p -> onClientHello(ctx, p.hello());
            case ClientHelloParser.Result.Malformed m -> deny(ctx, "malformed TLS ClientHello: " + m.reason());
            case ClientHelloParser.Result.NotTls n -> onNotTls(ctx);
        }
    }

    private void onClientHello(ChannelHandlerContext ctx, ClientHello hello) {
        String mismatch = sniMismatch(hello.serverName());
        if (mismatch != null) {
            deny(ctx, mismatch);
            return;
        }
        flow.sni(hello.serverName());
        if (flow.connectDecision().tls() == Decision.TlsMode.PASSTHROUGH) {
            handOff(ctx, this::relay);
        } else {
            decided = true;
            ctx.channel().config().setAutoRead(false);
            ByteBuf hold = buffered;
            buffered = null;
            TlsInterceptor.intercept(flow, hello, ctx, hold, startedNanos);
        }
    }

    /**
     * The SNI must name the destination policy approved. A different name is domain fronting
     * (or an attempt to get a certificate for another host); a name on an IP-literal flow is
     * refused too, because the name is not what policy decided on.
     */
    private String sniMismatch(String sni) {
        if (sni == null) return null;
        String approved = flow.destination().host();
        if (sni.equals(approved)) return null;
        if (HostLiteral.parse(sni) instanceof HostLiteral.Name n && n.text().equals(approved)) return null;
        return "TLS server name '" + sni + "' does not match the approved destination '" + approved + "' (domain fronting)";
    }

    private void onNotTls(ChannelHandlerContext ctx) {
        if (flow.connectDecision().tls() == Decision.TlsMode.PASSTHROUGH) {
            handOff(ctx, this::relay);
        } else if (httpPrefix(buffered) > 0) {
            handOff(ctx, () -> HttpPipelines.plain(flow));
        } else if (httpPrefix(buffered) < 0) {
            deny(ctx, "the flow is neither TLS nor HTTP, so it cannot be inspected; policy can allow it with \"tls\": \"passthrough\"");
        }
    }

    /** Bytes both ways, untouched; when both sides have closed, the flow's outcome is audited. */
    private void relay() {
        RelayHandler.join(flow.client(), flow.upstream(), (up, down) -> FlowAudit.relayEnded(flow, up, down, startedNanos));
    }

    /** Replaces this handler by what {@code install} adds, then replays the bytes read so far. */
    private void handOff(ChannelHandlerContext ctx, Runnable install) {
        decided = true;
        install.run();
        ByteBuf hold = buffered;
        buffered = null;
        ctx.pipeline().remove(this);
        ctx.pipeline().fireChannelRead(hold);
        ctx.pipeline().fireChannelReadComplete();
    }

    private void deny(ChannelHandlerContext ctx, String reason) {
        decided = true;
        release();
        ctx.channel().config().setAutoRead(false);
        FlowAudit.flowDenied(flow, reason, startedNanos).whenComplete((seq, e) -> flow.closeBoth());
    }

    /**
     * An HTTP request line starts with an upper-case method token and a space: 1 when the bytes
     * so far are such a start, 0 when more bytes are needed to tell, -1 when they are not.
     */
    private static int httpPrefix(ByteBuf b) {
        int n = Math.min(b.readableBytes(), 16);
        for (int i = 0; i < n; i++) {
            byte c = b.getByte(b.readerIndex() + i);
            if (c == ' ') return i > 0 ? 1 : -1;
            if (c < 'A' || c > 'Z') return -1;
        }
        return n < 16 ? 0 : -1;
    }

    private void release() {
        if (buffered != null) {
            buffered.release();
            buffered = null;
        }
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        release();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        flow.upstream().close();
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        flow.closeBoth();
    }
}
