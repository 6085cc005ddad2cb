package dev.airlock.policy.builtins;

import static dev.airlock.policy.builtins.Operands.string;
import static dev.airlock.policy.types.Types.A;
import static dev.airlock.policy.types.Types.B;
import static dev.airlock.policy.types.Types.S;
import static dev.airlock.policy.types.Types.args;
import static dev.airlock.policy.types.Types.arrayOf;
import static dev.airlock.policy.types.Types.func;
import static dev.airlock.policy.types.Types.objectOf;
import static dev.airlock.policy.types.Types.tuple;

import dev.airlock.policy.value.ArrayValue;
import dev.airlock.policy.value.BoolValue;
import dev.airlock.policy.value.NullValue;
import dev.airlock.policy.value.NumberValue;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.StringValue;
import dev.airlock.policy.value.Value;
import java.io.ByteArrayInputStream;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * X.509: crypto.x509.parse_certificates, parse_and_verify_certificates,
 * parse_certificate_request and parse_keypair. Results use the field names of Go's x509 structs
 * as OPA serializes them ({@code Subject.CommonName}, {@code DNSNames}, {@code URIStrings}...),
 * built by {@link X509Json}.
 */
public final class X509Builtins {
    private X509Builtins() {}

    /** Most certificates accepted in one operand. */
    static final int MAX_CERTS = 256;

    public static List<Builtin> declarations() {
        return List.of(
                Builtin.of("crypto.x509.parse_certificates", func(args(S), arrayOf(objectOf(S, A))),
                        "Parses PEM or base64 (PEM or DER) certificates",
                        (ctx, a) -> {
                            List<Value> out = new ArrayList<>();
                            for (X509Certificate c : certificates(string(a, 1))) out.add(X509Json.certificate(c));
                            return new ArrayValue(out);
                        }),
                Builtin.of("crypto.x509.parse_and_verify_certificates", func(args(S), tuple(B, arrayOf(objectOf(S, A)))),
                        "Verifies certificates (root first, intermediates, leaf last) at the query time; "
                                + "[valid, the verified chain from leaf to root]",
                        EnumSet.of(Builtin.Flag.NONDETERMINISTIC), // validity periods are checked at the query time
                        (ctx, a) -> {
                            List<X509Certificate> chain = verify(certificates(string(a, 1)), new Date(ctx.queryTimeNanos() / 1_000_000L));
                            if (chain == null) return ArrayValue.of(BoolValue.FALSE, ArrayValue.EMPTY);
                            List<Value> out = new ArrayList<>();
                            for (X509Certificate c : chain) out.add(X509Json.certificate(c));
                            return ArrayValue.of(BoolValue.TRUE, new ArrayValue(out));
                        }),
                Builtin.of("crypto.x509.parse_certificate_request", func(args(S), objectOf(S, A)),
                        "Parses a PEM or base64 (PEM or DER) PKCS #10 certificate request",
                        (ctx, a) -> {
                            List<Pem.Block> blocks = Pem.blocks(string(a, 1), "CERTIFICATE REQUEST");
                            if (blocks.isEmpty()) throw BuiltinException.error("invalid PEM-encoded certificate signing request");
                            try {
                                return X509Json.request(new PKCS10CertificationRequest(blocks.getFirst().der()));
                            } catch (java.io.IOException | RuntimeException e) {
                                throw BuiltinException.error("asn1: structure error: " + e.getMessage());
                            }
                        }),
                Builtin.of("crypto.x509.parse_keypair", func(args(S, S), objectOf(S, A)),
                        "Parses a certificate chain and its private key (PEM or base64 PEM), checking that they match",
                        (ctx, a) -> keypair(string(a, 1), string(a, 2))));
    }

    static List<X509Certificate> certificates(String operand) throws BuiltinException {
        List<Pem.Block> blocks = Pem.blocks(operand, "CERTIFICATE");
        List<X509Certificate> out = new ArrayList<>();
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            for (Pem.Block b : blocks) {
                if (!b.type().equals("CERTIFICATE")) continue;
                // DER may hold several concatenated certificates
                ByteArrayInputStream in = new ByteArrayInputStream(b.der());
                while (in.available() > 0) {
                    if (out.size() >= MAX_CERTS) throw BuiltinException.error("more than " + MAX_CERTS + " certificates");
                    out.add((X509Certificate) cf.generateCertificate(in));
                }
            }
        } catch (GeneralSecurityException | RuntimeException e) {
            throw BuiltinException.error("x509: malformed certificate");
        }
        return out;
    }

    /**
     * As OPA: the first certificate is the root, the last the leaf, the others intermediates (in
     * any order). Returns the PKIX-validated chain from leaf to root, or null.
     */
    private static List<X509Certificate> verify(List<X509Certificate> certs, Date at) {
        if (certs.size() < 2) return null;
        X509Certificate root = certs.getFirst();
        List<X509Certificate> pool = new ArrayList<>(certs.subList(1, certs.size() - 1));
        List<X509Certificate> path = new ArrayList<>();
        X509Certificate current = certs.getLast();
        path.add(current);
        while (!current.getIssuerX500Principal().equals(root.getSubjectX500Principal())) {
            X509Certificate issuer = null;
            for (X509Certificate c : pool) {
                if (c.getSubjectX500Principal().equals(current.getIssuerX500Principal())) {
                    issuer = c;
                    break;
                }
            }
            if (issuer == null) return null;
            pool.remove(issuer);
            path.add(issuer);
            current = issuer;
        }
        try {
            CertificateFactory cf = CertificateFactory.getInstance("X.509");
            PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
            params.setRevocationEnabled(false);
            params.setDate(at);
            CertPathValidator.getInstance("PKIX").validate(cf.generateCertPath(path), params);
        } catch (GeneralSecurityException | RuntimeException e) {
            return null;
        }
        path.add(root);
        return path;
    }

    private static Value keypair(String certText, String keyText) throws BuiltinException {
        List<X509Certificate> certs = certificates(certText);
        if (certs.isEmpty()) throw BuiltinException.error("tls: failed to find any PEM data in certificate input");
        PrivateKey key = null;
        for (Pem.Block b : Pem.blocks(keyText, "PRIVATE KEY")) {
            if (b.type().endsWith("PRIVATE KEY")) {
                key = PrivateKeys.fromBlock(b);
                if (key != null) break;
            }
        }
        if (key == null) throw BuiltinException.error("tls: failed to find any PEM data in key input");
        if (!PrivateKeys.matches(key, certs.getFirst().getPublicKey())) {
            throw BuiltinException.error("tls: private key does not match public key");
        }
        TreeMap<Value, Value> m = new TreeMap<>();
        List<Value> ders = new ArrayList<>();
        try {
            for (X509Certificate c : certs) ders.add(StringValue.of(Base64.getEncoder().encodeToString(c.getEncoded())));
        } catch (GeneralSecurityException e) {
            throw BuiltinException.error("x509: malformed certificate");
        }
        m.put(StringValue.of("Certificate"), new ArrayValue(ders));
        m.put(StringValue.of("PrivateKey"), PrivateKeys.jwk(key));
        m.put(StringValue.of("Leaf"), X509Json.certificate(certs.getFirst()));
        m.put(StringValue.of("OCSPStaple"), NullValue.NULL);
        m.put(StringValue.of("SignedCertificateTimestamps"), NullValue.NULL);
        m.put(StringValue.of("SupportedSignatureAlgorithms"), NullValue.NULL);
        return ObjectValue.wrap(m);
    }

}
