package dev.airlock.gateway.tls;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.airlock.secrets.ca.LeafCredentials;
import dev.airlock.secrets.ca.LocalCa;
import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS contexts of the gateway: server contexts presenting a leaf minted by airlock's CA
 * for the destination host (one per host and negotiated protocol), and client contexts for
 * upstream connections that trust the system store plus any {@code --upstream-ca} anchors.
 * There is no way to turn upstream verification off.
 */
public final class TlsContexts {
    /** The protocols airlock speaks inside intercepted TLS, in preference order. */
    public static final List<String> SUPPORTED_ALPN = List.of(ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1);

    private static final Path DEBIAN_BUNDLE = Path.of("/etc/ssl/certs/ca-certificates.crt");

    private final LocalCa ca;
    private final TrustManagerFactory upstreamTrust;
    private final Cache<String, SslContext> serverContexts =
            Caffeine.newBuilder().maximumSize(4096).expireAfterWrite(Duration.ofHours(12)).build();
    private final Cache<List<String>, SslContext> clientContexts = Caffeine.newBuilder().maximumSize(16).build();

    public TlsContexts(LocalCa ca, List<Path> extraUpstreamAnchors) throws IOException, GeneralSecurityException {
        this.ca = ca;
        this.upstreamTrust = trust(extraUpstreamAnchors);
    }

    public LocalCa ca() {
        return ca;
    }

    /** Server side of an intercepted flow: a leaf for {@code host}, offering only {@code protocol}. */
    public SslContext serverContext(String host, String protocol) {
        return serverContexts.get(host + "\n" + protocol, key -> {
            LeafCredentials leaf = ca.mint(host);
            try {
                return SslContextBuilder.forServer(leaf.privateKey(), leaf.chain())
                        .sslProvider(SslProvider.JDK)
                        .protocols("TLSv1.3", "TLSv1.2")
                        .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                        .applicationProtocolConfig(alpn(List.of(protocol)))
                        .build();
            } catch (SSLException e) {
                throw new IllegalStateException("cannot build a TLS server context for " + host + ": " + e.getMessage(), e);
            }
        });
    }

    /** Client side toward the destination, offering {@code protocols} (a subset of {@link #SUPPORTED_ALPN}). */
    public SslContext clientContext(List<String> protocols) {
        return clientContexts.get(List.copyOf(protocols), key -> {
            try {
                SslContextBuilder b = SslContextBuilder.forClient()
                        .sslProvider(SslProvider.JDK)
                        .protocols("TLSv1.3", "TLSv1.2")
                        .trustManager(upstreamTrust)
                        .endpointIdentificationAlgorithm("HTTPS");
                if (!key.isEmpty()) b.applicationProtocolConfig(alpn(key));
                return b.build();
            } catch (SSLException e) {
                throw new IllegalStateException("cannot build the upstream TLS context: " + e.getMessage(), e);
            }
        });
    }

    /** Drops cached server contexts (after a CA rotation). */
    public void invalidateServerContexts() {
        serverContexts.invalidateAll();
    }

    private static ApplicationProtocolConfig alpn(List<String> protocols) {
        return new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, protocols);
    }

    /** The JDK's trust store, Debian's system bundle when present, and the extra anchors. */
    private static TrustManagerFactory trust(List<Path> extra) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        TrustManagerFactory jdk = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        jdk.init((KeyStore) null);
        int n = 0;
        for (var tm : jdk.getTrustManagers()) {
            if (tm instanceof javax.net.ssl.X509TrustManager x) {
                for (X509Certificate c : x.getAcceptedIssuers()) store.setCertificateEntry("jdk-" + n++, c);
            }
        }
        List<Path> bundles = new ArrayList<>();
        if (Files.isReadable(DEBIAN_BUNDLE)) bundles.add(DEBIAN_BUNDLE);
        bundles.addAll(extra);
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        for (Path p : bundles) {
            try (InputStream in = Files.newInputStream(p)) {
                var certs = cf.generateCertificates(in);
                if (certs.isEmpty() && extra.contains(p)) {
                    throw new GeneralSecurityException(p + ": no PEM certificates found (expected an upstream CA bundle)");
                }
                for (var c : certs) store.setCertificateEntry("file-" + n++, c);
            } catch (IOException e) {
                throw new IOException("cannot read upstream CA file " + p + ": " + e.getMessage(), e);
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        return tmf;
    }
}
