package dev.airlock.secrets.ca;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * What a TLS server needs for one host: the leaf's private key and its chain, leaf first, then
 * the root. The gateway passes these straight to Netty:
 * {@code SslContextBuilder.forServer(credentials.privateKey(), credentials.chain())}.
 */
public record LeafCredentials(PrivateKey privateKey, X509Certificate[] chain) {
    public LeafCredentials {
        chain = chain.clone();
    }

    /** A copy, so no caller can swap a certificate inside a cached entry. */
    @Override
    public X509Certificate[] chain() {
        return chain.clone();
    }

    public X509Certificate leaf() {
        return chain[0];
    }
}
