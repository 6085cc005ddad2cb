package dev.airlock.secrets.ca;

import java.nio.file.Path;
import java.time.InstantSource;

/**
 * The local CA as the gateway uses it: the directory it lives in plus a {@link LeafCertMinter}
 * bound to its current generation. {@link #rotate()} replaces the CA on disk and in the minter
 * in one call, so no leaf of the old CA is served after it returns.
 */
public final class LocalCa {
    private final CaDirectory directory;
    private final LeafCertMinter minter;

    private LocalCa(CaDirectory directory, LeafCertMinter minter) {
        this.directory = directory;
        this.minter = minter;
    }

    /** Opens the CA in {@code dir}, creating it on first use. */
    public static LocalCa open(Path dir) {
        return open(new CaDirectory(dir), InstantSource.system(), LeafCertMinter.DEFAULT_CACHE_SIZE);
    }

    public static LocalCa open(CaDirectory directory, InstantSource clock, long leafCacheSize) {
        return new LocalCa(directory, new LeafCertMinter(directory.loadOrCreate(), clock, leafCacheSize));
    }

    public CaDirectory directory() {
        return directory;
    }

    public CertificateAuthority authority() {
        return minter.authority();
    }

    public LeafCertMinter minter() {
        return minter;
    }

    /** Shorthand for {@code minter().mint(host)}. */
    public LeafCredentials mint(String host) {
        return minter.mint(host);
    }

    /** New CA on disk (old files kept as backups), cached leaves dropped. */
    public CertificateAuthority rotate() {
        CertificateAuthority fresh = directory.rotate();
        minter.replaceAuthority(fresh);
        return fresh;
    }

    /** Re-reads the CA files, e.g. after {@code airlock ca rotate} ran in another process. */
    public CertificateAuthority reload() {
        CertificateAuthority current = directory.load();
        if (!current.certificate().equals(minter.authority().certificate())) {
            minter.replaceAuthority(current);
        }
        return minter.authority();
    }
}
