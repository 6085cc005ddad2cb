package dev.airlock.policy.builtins;

import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.StringValue;
import dev.airlock.policy.value.Value;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.EdECPrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.util.Base64;
import java.util.TreeMap;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.math.ec.ECPoint;

/** Private keys from PEM/DER (PKCS#1, SEC1, PKCS#8) and their JSON Web Key form. */
final class PrivateKeys {
    private PrivateKeys() {}

    /** The key in a PEM block, or null when the block holds no private key. */
    static PrivateKey fromBlock(Pem.Block block) throws BuiltinException {
        try {
            return switch (block.type()) {
                case "RSA PRIVATE KEY" -> {
                    org.bouncycastle.asn1.pkcs.RSAPrivateKey k = org.bouncycastle.asn1.pkcs.RSAPrivateKey.getInstance(block.der());
                    yield KeyFactory.getInstance("RSA").generatePrivate(new RSAPrivateCrtKeySpec(k.getModulus(),
                            k.getPublicExponent(), k.getPrivateExponent(), k.getPrime1(), k.getPrime2(), k.getExponent1(),
                            k.getExponent2(), k.getCoefficient()));
                }
                case "EC PRIVATE KEY" -> {
                    org.bouncycastle.asn1.sec.ECPrivateKey k = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(block.der());
                    AlgorithmIdentifier alg = new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, k.getParametersObject());
                    byte[] pkcs8 = new PrivateKeyInfo(alg, k).getEncoded();
                    yield KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
                }
                case "PRIVATE KEY" -> pkcs8(block.der());
                default -> null;
            };
        } catch (GeneralSecurityException | IllegalArgumentException | IllegalStateException | java.io.IOException e) {
            throw BuiltinException.error("failed to parse " + block.type() + ": " + e.getMessage());
        }
    }

    private static PrivateKey pkcs8(byte[] der) throws GeneralSecurityException {
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(der);
        ASN1ObjectIdentifier oid = info.getPrivateKeyAlgorithm().getAlgorithm();
        String alg = switch (oid.getId()) {
            case "1.2.840.113549.1.1.1" -> "RSA";
            case "1.2.840.10045.2.1" -> "EC";
            case "1.3.101.112" -> "Ed25519";
            default -> throw new GeneralSecurityException("unsupported private key algorithm " + oid.getId());
        };
        return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
    }

    static String b64url(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** Big-endian unsigned bytes, left-padded to size when size > 0. */
    static byte[] unsigned(BigInteger v, int size) {
        byte[] b = v.toByteArray();
        if (b.length > 1 && b[0] == 0) b = java.util.Arrays.copyOfRange(b, 1, b.length);
        if (size > b.length) {
            byte[] p = new byte[size];
            System.arraycopy(b, 0, p, size - b.length, b.length);
            return p;
        }
        return b;
    }

    static String b64url(BigInteger v) {
        return b64url(unsigned(v, 0));
    }

    /** The private key as a JWK object (kty RSA, EC or OKP). */
    static Value jwk(PrivateKey key) throws BuiltinException {
        TreeMap<Value, Value> m = new TreeMap<>();
        switch (key) {
            case RSAPrivateCrtKey k -> {
                put(m, "kty", "RSA");
                put(m, "n", b64url(k.getModulus()));
                put(m, "e", b64url(k.getPublicExponent()));
                put(m, "d", b64url(k.getPrivateExponent()));
                put(m, "p", b64url(k.getPrimeP()));
                put(m, "q", b64url(k.getPrimeQ()));
                put(m, "dp", b64url(k.getPrimeExponentP()));
                put(m, "dq", b64url(k.getPrimeExponentQ()));
                put(m, "qi", b64url(k.getCrtCoefficient()));
            }
            case ECPrivateKey k -> {
                String crv = curveName(k.getParams().getCurve().getField().getFieldSize());
                X9ECParameters params = ECNamedCurveTable.getByName(crv);
                ECPoint q = params.getG().multiply(k.getS()).normalize();
                int size = (k.getParams().getCurve().getField().getFieldSize() + 7) / 8;
                put(m, "kty", "EC");
                put(m, "crv", crv);
                put(m, "x", b64url(unsigned(q.getAffineXCoord().toBigInteger(), size)));
                put(m, "y", b64url(unsigned(q.getAffineYCoord().toBigInteger(), size)));
                put(m, "d", b64url(unsigned(k.getS(), size)));
            }
            case EdECPrivateKey k -> {
                byte[] seed = k.getBytes().orElseThrow();
                byte[] pub = new Ed25519PrivateKeyParameters(seed, 0).generatePublicKey().getEncoded();
                put(m, "kty", "OKP");
                put(m, "crv", "Ed25519");
                put(m, "x", b64url(pub));
                put(m, "d", b64url(seed));
            }
            default -> throw BuiltinException.error("unsupported private key type " + key.getAlgorithm());
        }
        return ObjectValue.wrap(m);
    }

    static String curveName(int fieldBits) throws BuiltinException {
        return switch (fieldBits) {
            case 256 -> "P-256";
            case 384 -> "P-384";
            case 521 -> "P-521";
            default -> throw BuiltinException.error("unsupported elliptic curve of " + fieldBits + " bits");
        };
    }

    private static void put(TreeMap<Value, Value> m, String k, String v) {
        m.put(StringValue.of(k), StringValue.of(v));
    }

    /** Whether a private key belongs to a public key (same modulus, or same point/bytes). */
    static boolean matches(PrivateKey priv, PublicKey pub) {
        if (priv instanceof RSAPrivateCrtKey r && pub instanceof java.security.interfaces.RSAPublicKey p) {
            return r.getModulus().equals(p.getModulus()) && r.getPublicExponent().equals(p.getPublicExponent());
        }
        if (priv instanceof ECPrivateKey e && pub instanceof java.security.interfaces.ECPublicKey p) {
            try {
                X9ECParameters params = ECNamedCurveTable.getByName(curveName(e.getParams().getCurve().getField().getFieldSize()));
                ECPoint q = params.getG().multiply(e.getS()).normalize();
                return q.getAffineXCoord().toBigInteger().equals(p.getW().getAffineX())
                        && q.getAffineYCoord().toBigInteger().equals(p.getW().getAffineY());
            } catch (BuiltinException ex) {
                return false;
            }
        }
        if (priv instanceof EdECPrivateKey e && pub.getAlgorithm().startsWith("Ed")) {
            byte[] seed = e.getBytes().orElse(null);
            if (seed == null) return false;
            byte[] derived = new Ed25519PrivateKeyParameters(seed, 0).generatePublicKey().getEncoded();
            byte[] enc = pub.getEncoded();
            return java.util.Arrays.equals(derived, java.util.Arrays.copyOfRange(enc, enc.length - 32, enc.length));
        }
        return false;
    }
}
