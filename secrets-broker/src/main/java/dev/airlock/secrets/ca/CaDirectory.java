package dev.airlock.secrets.ca;

import dev.airlock.secrets.fs.PrivateFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * The CA directory on disk: {@code ca.pem} (the root certificate, world-readable so it can be
 * handed to clients) and {@code ca-key.pem} (its key, mode 0600) in a directory of mode 0700.
 * The CA is created on first use; {@link #rotate()} keeps the previous generation as
 * {@code ca-<timestamp>.pem} and {@code ca-key-<timestamp>.pem}.
 *
 * <p>Creation and rotation hold an exclusive lock on {@code .lock} in the directory, so two
 * airlock processes starting at once agree on one CA instead of overwriting each other's.
 */
public final class CaDirectory {
    public static final String CERT_FILE = "ca.pem";
    public static final String KEY_FILE = "ca-key.pem";
    private static final String LOCK_FILE = ".lock";
    /** Long enough not to be a chore, short enough that a forgotten stolen key stops working. */
    public static final Duration ROOT_VALIDITY = Duration.ofDays(730);
    /** Root and leaves start this far in the past, for guests whose clock is behind. */
    public static final Duration BACKDATE = Duration.ofDays(1);
    private static final DateTimeFormatter BACKUP_STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    /** Serializes creation/rotation inside this JVM; the file lock does it across processes. */
    private static final Object JVM_LOCK = new Object();

    private final Path directory;
    private final InstantSource clock;

    public CaDirectory(Path directory, InstantSource clock) {
        this.directory = directory.toAbsolutePath().normalize();
        this.clock = clock;
    }

    public CaDirectory(Path directory) {
        this(directory, InstantSource.system());
    }

    /** {@code ~/.airlock/ca}. */
    public static Path defaultDirectory() {
        return Path.of(System.getProperty("user.home"), ".airlock", "ca");
    }

    public Path directory() {
        return directory;
    }

    public Path certificateFile() {
        return directory.resolve(CERT_FILE);
    }

    public Path keyFile() {
        return directory.resolve(KEY_FILE);
    }

    /** Whether a CA (either of its files) exists in the directory. */
    public boolean exists() {
        return Files.exists(certificateFile()) || Files.exists(keyFile());
    }

    /** Loads the CA, creating it first when the directory holds none. */
    public CertificateAuthority loadOrCreate() {
        if (!exists()) {
            withLock(() -> {
                if (!exists()) {
                    create();
                }
                return null;
            });
        }
        return load();
    }

    /**
     * Loads and checks the CA: both files present and parseable, the key private to its owner,
     * the key matching the certificate, the certificate a CA and not expired.
     */
    public CertificateAuthority load() {
        Path certFile = certificateFile();
        Path keyFile = keyFile();
        boolean haveCert = Files.exists(certFile);
        boolean haveKey = Files.exists(keyFile);
        if (!haveCert && !haveKey) {
            throw new CaException("no CA in " + directory + ": neither " + CERT_FILE + " nor " + KEY_FILE
                    + " exists. Run `airlock ca init` to create one.");
        }
        if (haveCert != haveKey) {
            Path missing = haveCert ? keyFile : certFile;
            throw new CaException("the CA in " + directory + " is incomplete: " + missing + " is missing. Restore it from"
                    + " a backup (ca-<timestamp>.pem / ca-key-<timestamp>.pem) or run `airlock ca rotate` to create a new CA"
                    + " (clients must then trust the new " + CERT_FILE + ").");
        }
        checkKeyIsPrivate(keyFile);
        X509Certificate certificate;
        PrivateKey key;
        try {
            certificate = Pem.decodeCertificate(read(certFile));
        } catch (IOException e) {
            throw corrupted(certFile, "CA certificate", e);
        }
        try {
            key = Pem.decodePrivateKey(read(keyFile));
        } catch (IOException e) {
            throw corrupted(keyFile, "CA private key", e);
        }
        if (certificate.getBasicConstraints() < 0) {
            throw new CaException(certFile + " is not a CA certificate (basicConstraints CA:true is missing). "
                    + "Run `airlock ca rotate` to create a proper airlock CA.");
        }
        if (!keyMatches(key, certificate)) {
            throw new CaException(keyFile + " is not the private key of " + certFile + ". Restore the matching pair from"
                    + " a backup or run `airlock ca rotate` to create a new CA.");
        }
        Instant now = clock.instant();
        if (!now.isBefore(certificate.getNotAfter().toInstant())) {
            throw new CaException("the CA certificate " + certFile + " expired on " + certificate.getNotAfter().toInstant()
                    + ". Run `airlock ca rotate` to create a new one, then give clients the new " + CERT_FILE + ".");
        }
        return new CertificateAuthority(certificate, key);
    }

    /**
     * Replaces the CA with a new one. The previous files, if any, are kept as
     * {@code ca-<timestamp>.pem} and {@code ca-key-<timestamp>.pem} (whatever state they are
     * in, so a corrupted CA can be rotated away). Callers holding a {@link LeafCertMinter} must
     * hand it the returned authority, which drops every cached leaf.
     */
    public CertificateAuthority rotate() {
        withLock(() -> {
            String stamp = BACKUP_STAMP.format(clock.instant());
            String suffix = uniqueSuffix(stamp);
            if (Files.exists(keyFile())) {
                Files.move(keyFile(), directory.resolve("ca-key-" + suffix + ".pem"));
            }
            if (Files.exists(certificateFile())) {
                Files.move(certificateFile(), directory.resolve("ca-" + suffix + ".pem"));
            }
            create();
            return null;
        });
        return load();
    }

    private String uniqueSuffix(String stamp) {
        String suffix = stamp;
        for (int i = 1; Files.exists(directory.resolve("ca-" + suffix + ".pem"))
                || Files.exists(directory.resolve("ca-key-" + suffix + ".pem")); i++) {
            suffix = stamp + "-" + i;
        }
        return suffix;
    }

    /** Writes a fresh CA; the caller holds the lock and has made sure no CA files exist. */
    private void create() throws IOException {
        Instant now = clock.instant();
        KeyPair keys = Certificates.newKeyPair();
        X509Certificate root = Certificates.selfSignedRoot(keys, now.minus(BACKDATE), now.plus(ROOT_VALIDITY), now);
        // Key first: a crash between the two writes leaves a key without a certificate, which
        // load() reports, rather than a certificate whose key is lost.
        if (!PrivateFiles.createAtomically(keyFile(), Pem.encodePrivateKey(keys.getPrivate()).getBytes(StandardCharsets.US_ASCII))) {
            throw new CaException(keyFile() + " appeared while creating the CA; another process is writing to " + directory);
        }
        if (!PrivateFiles.createAtomically(certificateFile(), Pem.encodeCertificate(root).getBytes(StandardCharsets.US_ASCII))) {
            throw new CaException(certificateFile() + " appeared while creating the CA; another process is writing to " + directory);
        }
    }

    private interface LockedAction<T> {
        T run() throws IOException;
    }

    private <T> T withLock(LockedAction<T> action) {
        synchronized (JVM_LOCK) {
            try {
                PrivateFiles.ensurePrivateDirectory(directory);
                try (FileChannel channel = FileChannel.open(directory.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                     FileLock ignored = channel.lock()) {
                    return action.run();
                }
            } catch (AccessDeniedException e) {
                throw new CaException("cannot write the CA directory " + directory + ": permission denied on " + e.getFile()
                        + ". Choose a directory you own (--ca-dir) or fix its ownership.", e);
            } catch (IOException e) {
                throw new CaException("cannot write the CA in " + directory + ": " + e, e);
            }
        }
    }

    private static void checkKeyIsPrivate(Path keyFile) {
        Optional<String> open;
        try {
            open = PrivateFiles.tooOpen(keyFile);
        } catch (IOException e) {
            throw new CaException("cannot read the permissions of " + keyFile + ": " + e, e);
        }
        open.ifPresent(mode -> {
            throw new CaException("the CA private key " + keyFile + " is accessible to other users (mode " + mode
                    + "). Run `chmod 600 " + keyFile + "`; if others may have read it, run `airlock ca rotate`.");
        });
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.US_ASCII);
    }

    private static CaException corrupted(Path file, String what, IOException e) {
        String reason = switch (e) {
            case AccessDeniedException denied -> "permission denied";
            case NoSuchFileException gone -> "the file disappeared";
            default -> e.getMessage();
        };
        return new CaException("cannot read the " + what + " " + file + ": " + reason + ". Restore it from a backup"
                + " (ca-<timestamp>.pem / ca-key-<timestamp>.pem in the same directory) or run `airlock ca rotate` to"
                + " create a new CA (clients must then trust the new " + CERT_FILE + ").", e);
    }

    /** Sign and verify a fixed message: the portable way to check a private key against a certificate. */
    private static boolean keyMatches(PrivateKey key, X509Certificate certificate) {
        String algorithm = "RSA".equals(key.getAlgorithm()) ? "SHA256withRSA" : "SHA256withECDSA";
        try {
            byte[] probe = "airlock CA key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
