package dev.airlock.secrets.ca;

import dev.airlock.secrets.host.HostName;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.Date;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Builds airlock's certificates with Bouncy Castle. Keys are ECDSA P-256 signed with
 * SHA-256: small, fast to generate and sign with (a leaf is minted on the connection path),
 * and accepted by every current TLS 1.2/1.3 client.
 */
final class Certificates {
    static final String CURVE = "secp256r1";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Certificates() {}

    static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec(CURVE), RANDOM);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no EC " + CURVE + " key generator", e);
        }
    }

    /** A self-signed root: CA:true with pathlen 0 (it signs leaves only), keyCertSign|cRLSign. */
    static X509Certificate selfSignedRoot(KeyPair keys, Instant notBefore, Instant notAfter, Instant createdAt) {
        X500Name subject = new X500NameBuilder(BCStyle.INSTANCE)
                .addRDN(BCStyle.O, "airlock")
                .addRDN(BCStyle.CN, "airlock local CA " + DateTimeFormatter.ISO_INSTANT.format(createdAt.truncatedTo(java.time.temporal.ChronoUnit.SECONDS)))
                .build();
        try {
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            SubjectKeyIdentifier ski = ext.createSubjectKeyIdentifier(keys.getPublic());
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    subject, serial(), Date.from(notBefore), Date.from(notAfter), subject, keys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false, ski)
                    .addExtension(Extension.authorityKeyIdentifier, false, new AuthorityKeyIdentifier(ski.getKeyIdentifier()));
            return sign(builder, keys.getPrivate());
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("building the root certificate", e);
        }
    }

    /** A server leaf for one host: SAN dNSName or iPAddress, serverAuth, signed by {@code ca}. */
    static X509Certificate leaf(CertificateAuthority ca, PublicKey leafKey, HostName host, Instant notBefore, Instant notAfter) {
        try {
            X509CertificateHolder caHolder = new JcaX509CertificateHolder(ca.certificate());
            X500NameBuilder subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.O, "airlock");
            // CN is informational (clients match the SAN) and limited to 64 characters by X.520.
            if (host.text().length() <= 64) {
                subject.addRDN(BCStyle.CN, host.text());
            }
            GeneralName san = switch (host) {
                case HostName.Dns dns -> new GeneralName(GeneralName.dNSName, dns.text());
                case HostName.Ip ip -> new GeneralName(GeneralName.iPAddress, new DEROctetString(ip.address().getAddress()));
            };
            SubjectKeyIdentifier caSki = SubjectKeyIdentifier.fromExtensions(caHolder.getExtensions());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            AuthorityKeyIdentifier aki = caSki != null
                    ? new AuthorityKeyIdentifier(caSki.getKeyIdentifier())
                    : ext.createAuthorityKeyIdentifier(ca.certificate().getPublicKey());
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                    caHolder.getSubject(), serial(), Date.from(notBefore), Date.from(notAfter), subject.build(), leafKey)
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(keyUsageFor(leafKey)))
                    .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(san))
                    .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(leafKey))
                    .addExtension(Extension.authorityKeyIdentifier, false, aki);
            return sign(builder, ca.privateKey());
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("building a leaf certificate for " + host.text(), e);
        }
    }

    /** ECDSA keys only sign in TLS; RSA keys may also be used for (TLS 1.2) key encipherment. */
    private static int keyUsageFor(PublicKey key) {
        return "RSA".equals(key.getAlgorithm())
                ? KeyUsage.digitalSignature | KeyUsage.keyEncipherment
                : KeyUsage.digitalSignature;
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey signer) throws GeneralSecurityException {
        String algorithm = "RSA".equals(signer.getAlgorithm()) ? "SHA256withRSA" : "SHA256withECDSA";
        try {
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder(algorithm).build(signer)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException("no " + algorithm + " signer", e);
        }
    }

    /** 127 random bits, positive, as RFC 5280 asks (at most 20 octets, unpredictable). */
    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).setBit(126);
    }
}
