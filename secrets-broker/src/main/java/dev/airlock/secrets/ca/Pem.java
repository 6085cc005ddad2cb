package dev.airlock.secrets.ca;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/**
 * PEM in and out. Keys are written as unencrypted PKCS#8 ({@code BEGIN PRIVATE KEY}), the form
 * every TLS stack reads (Netty, OpenSSL, Go, Python); the file mode is what protects them.
 * Conversions use the JDK's own providers: Bouncy Castle is never registered globally.
 */
final class Pem {
    private Pem() {}

    static String encodeCertificate(X509Certificate certificate) {
        return write(certificate);
    }

    static String encodePrivateKey(PrivateKey key) {
        try {
            return write(new JcaPKCS8Generator(key, null));
        } catch (org.bouncycastle.util.io.pem.PemGenerationException e) {
            throw new IllegalStateException("cannot encode a freshly generated key", e);
        }
    }

    /** Reads the first PEM block, which must be a certificate. */
    static X509Certificate decodeCertificate(String pem) throws IOException {
        Object object = readFirst(pem);
        if (!(object instanceof X509CertificateHolder holder)) {
            throw new IOException("expected a PEM CERTIFICATE block but found " + describe(object));
        }
        try {
            return new JcaX509CertificateConverter().getCertificate(holder);
        } catch (CertificateException e) {
            throw new IOException("the certificate does not parse: " + e.getMessage(), e);
        }
    }

    /** Reads the first PEM block, which must be a PKCS#8 or traditional (SEC1/PKCS#1) private key. */
    static PrivateKey decodePrivateKey(String pem) throws IOException {
        Object object = readFirst(pem);
        PrivateKeyInfo info = switch (object) {
            case PrivateKeyInfo i -> i;
            case PEMKeyPair pair -> pair.getPrivateKeyInfo();
            case null, default -> throw new IOException("expected a PEM PRIVATE KEY block but found " + describe(object));
        };
        try {
            return new JcaPEMKeyConverter().getPrivateKey(info);
        } catch (org.bouncycastle.openssl.PEMException e) {
            throw new IOException("the private key does not parse: " + e.getMessage(), e);
        }
    }

    private static Object readFirst(String pem) throws IOException {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            return parser.readObject();
        } catch (IOException | RuntimeException e) {
            // Bouncy Castle reports malformed base64/DER as assorted runtime exceptions.
            throw new IOException("not valid PEM: " + e.getMessage(), e);
        }
    }

    private static String describe(Object object) {
        return object == null ? "no PEM block" : "a " + object.getClass().getSimpleName();
    }

    private static String write(Object object) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new UncheckedIOException("writing PEM to memory", e);
        }
        return out.toString();
    }
}
