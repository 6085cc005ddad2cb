package dev.airlock.gateway.flow;

import dev.airlock.gateway.decision.Decision;
import io.netty.channel.Channel;

/**
 * One client connection to one approved destination, after its connect phase: proxy CONNECT
 * tunnels and sandbox TCP connections alike. {@code sni} is set once a ClientHello was read.
 */
public final class Flow {
    private final GatewayContext gateway;
    private final Source source;
    private final Destination destination;
    private final Decision connectDecision;
    private final Channel client;
    private final Channel upstream;
    private final boolean tlsDefault;
    private volatile String sni;

    /**
     * @param tlsDefault whether plain HTTP on this flow would normally be TLS (decides the
     *                   scheme policy sees for a request)
     */
    public Flow(GatewayContext gateway, Source source, Destination destination, Decision connectDecision,
                Channel client, Channel upstream, boolean tlsDefault) {
        this.gateway = gateway;
        this.source = source;
        this.destination = destination;
        this.connectDecision = connectDecision;
        this.client = client;
        this.upstream = upstream;
        this.tlsDefault = tlsDefault;
    }

    public GatewayContext gateway() {
        return gateway;
    }

    public Source source() {
        return source;
    }

    public Destination destination() {
        return destination;
    }

    public Decision connectDecision() {
        return connectDecision;
    }

    public Channel client() {
        return client;
    }

    public Channel upstream() {
        return upstream;
    }

    public boolean tlsDefault() {
        return tlsDefault;
    }

    public String sni() {
        return sni;
    }

    void sni(String value) {
        this.sni = value;
    }

    /** The name TLS certificates and Host checks use: the SNI when the client sent one, else the approved host. */
    public String tlsName() {
        return sni != null ? sni : destination.host();
    }

    public void closeBoth() {
        client.close();
        upstream.close();
    }
}
