package dev.airlock.gateway.flow;

import dev.airlock.gateway.audit.AuditLog;
import dev.airlock.gateway.decision.EgressDecider;
import dev.airlock.gateway.tls.TlsContexts;
import dev.airlock.gateway.upstream.UpstreamDialer;

/** The services every flow uses, built once per gateway. */
public record GatewayContext(EgressDecider decider, UpstreamDialer dialer, TlsContexts tls, AuditLog audit,
                             GatewayLimits limits) {}
