package dev.airlock.secrets.ca;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;

/**
 * One generation of airlock's root CA: its self-signed certificate and private key, in memory.
 * The private key stays package-private: only {@link LeafCertMinter} signs with it.
 */
public final class CertificateAuthority {
    private final X509Certificate certificate;
    private final PrivateKey privateKey;

    CertificateAuthority(X509Certificate certificate, PrivateKey privateKey) {
        this.certificate = Objects.requireNonNull(certificate);
        this.privateKey = Objects.requireNonNull(privateKey);
    }

    /** The root certificate that clients (the guest, an agent's trust store) must trust. */
    public X509Certificate certificate() {
        return certificate;
    }

    PrivateKey privateKey() {
        return privateKey;
    }

    /** The root certificate in PEM form, as written to {@code ca.pem}. */
    public String certificatePem() {
        return Pem.encodeCertificate(certificate);
    }

    public Instant notAfter() {
        return certificate.getNotAfter().toInstant();
    }

    /** SHA-256 over the DER certificate, upper-case hex with colons, as {@code openssl x509 -fingerprint -sha256} prints it. */
    public String sha256Fingerprint() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("SHA-256 over a parsed certificate cannot fail", e);
        }
    }
}
