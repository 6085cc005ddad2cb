package dev.airlock.secrets.ca;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.airlock.secrets.host.HostName;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;

/**
 * Mints TLS server certificates for the hosts the gateway terminates, signed by the local CA.
 *
 * <p>Leaves are valid for {@link #LEAF_VALIDITY} from now (back-dated by
 * {@link CaDirectory#BACKDATE} for guests with slow clocks, and never beyond the root's own
 * expiry) and cached per host in a bounded Caffeine cache whose entries expire
 * {@link #RENEW_BEFORE_EXPIRY} before the certificate does, so a served leaf always has at
 * least that much validity left. All leaves of one CA generation share one key pair: key
 * generation is the expensive part, and the key never leaves this process.
 *
 * <p>Thread-safe. {@link #replaceAuthority} swaps the CA, the leaf key and the cache together,
 * so a leaf minted concurrently under the old CA can never be served afterwards.
 */
public final class LeafCertMinter {
    public static final Duration LEAF_VALIDITY = Duration.ofDays(7);
    public static final Duration RENEW_BEFORE_EXPIRY = Duration.ofDays(1);
    public static final long DEFAULT_CACHE_SIZE = 4096;

    private record Generation(CertificateAuthority authority, KeyPair leafKeys, Cache<String, LeafCredentials> cache) {}

    private final InstantSource clock;
    private final long cacheSize;
    private volatile Generation generation;

    public LeafCertMinter(CertificateAuthority authority) {
        this(authority, InstantSource.system(), DEFAULT_CACHE_SIZE);
    }

    public LeafCertMinter(CertificateAuthority authority, InstantSource clock, long cacheSize) {
        this.clock = Objects.requireNonNull(clock);
        this.cacheSize = cacheSize;
        this.generation = newGeneration(authority);
    }

    /**
     * The certificate chain and key for {@code host}: a DNS name (SNI) or an IP literal
     * (IPv6 with or without brackets). Cached per canonical host.
     *
     * @throws IllegalArgumentException if {@code host} is not a valid ASCII host name or IP
     *     literal; never mint for what we cannot name exactly
     */
    public LeafCredentials mint(String host) {
        HostName name = HostName.parse(host)
                .orElseThrow(() -> new IllegalArgumentException("cannot mint a certificate for '" + host + "': not a valid host name or IP address"));
        Generation current = generation;
        return current.cache().get(name.text(), key -> issue(current, name));
    }

    /** Switches to a new CA (after {@link CaDirectory#rotate()}); every cached leaf is dropped. */
    public void replaceAuthority(CertificateAuthority authority) {
        Generation old = generation;
        generation = newGeneration(authority);
        old.cache().invalidateAll();
    }

    public CertificateAuthority authority() {
        return generation.authority();
    }

    /** How many leaves are cached now (for metrics and tests). */
    public long cachedLeaves() {
        Cache<String, LeafCredentials> cache = generation.cache();
        cache.cleanUp();
        return cache.estimatedSize();
    }

    private Generation newGeneration(CertificateAuthority authority) {
        Cache<String, LeafCredentials> cache = Caffeine.newBuilder()
                .maximumSize(cacheSize)
                .expireAfterWrite(LEAF_VALIDITY.minus(RENEW_BEFORE_EXPIRY))
                .ticker(() -> clock.instant().toEpochMilli() * 1_000_000L)
                .build();
        return new Generation(Objects.requireNonNull(authority), Certificates.newKeyPair(), cache);
    }

    private LeafCredentials issue(Generation gen, HostName host) {
        Instant now = clock.instant();
        Instant caNotAfter = gen.authority().notAfter();
        Instant notAfter = now.plus(LEAF_VALIDITY);
        if (notAfter.isAfter(caNotAfter)) {
            notAfter = caNotAfter;
        }
        X509Certificate leaf = Certificates.leaf(gen.authority(), gen.leafKeys().getPublic(), host, now.minus(CaDirectory.BACKDATE), notAfter);
        return new LeafCredentials(gen.leafKeys().getPrivate(), new X509Certificate[] {leaf, gen.authority().certificate()});
    }
}
