package dev.airlock.gateway.flow;

import dev.airlock.gateway.audit.AuditLog;
import dev.airlock.gateway.decision.EgressDecider;
import dev.airlock.gateway.tls.TlsContexts;
import dev.airlock.gateway.upstream.UpstreamDialer;
import dev.airlock.secrets.store.SecretsStore;

/**
 * The services every flow uses, built once per gateway.
 *
 * @param secrets the secrets file as loaded (reloaded in place); null when airlock runs without secrets
 */
public record GatewayContext(EgressDecider decider, UpstreamDialer dialer, TlsContexts tls, AuditLog audit,
                             SecretsStore secrets, GatewayLimits limits) {}
