package dev.airlock.policy.builtins;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECKey;
import java.security.interfaces.RSAKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.security.spec.RSAPrivateCrtKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import dev.airlock.policy.value.ArrayValue;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.StringValue;
import dev.airlock.policy.value.Value;

/** JWS signing and verification (RFC 7518) over JDK crypto, and JWK key parsing. */
final class JwsAlgorithms {
    private JwsAlgorithms() {}

    enum Family { HMAC, RSA, PSS, ECDSA, EDDSA }

    record Alg(String name, Family family, String hash, int bits) {}

    static Alg of(String name) {
        return switch (name) {
            case "HS256" -> new Alg(name, Family.HMAC, "SHA-256", 256);
            case "HS384" -> new Alg(name, Family.HMAC, "SHA-384", 384);
            case "HS512" -> new Alg(name, Family.HMAC, "SHA-512", 512);
            case "RS256" -> new Alg(name, Family.RSA, "SHA-256", 256);
            case "RS384" -> new Alg(name, Family.RSA, "SHA-384", 384);
            case "RS512" -> new Alg(name, Family.RSA, "SHA-512", 512);
            case "PS256" -> new Alg(name, Family.PSS, "SHA-256", 256);
            case "PS384" -> new Alg(name, Family.PSS, "SHA-384", 384);
            case "PS512" -> new Alg(name, Family.PSS, "SHA-512", 512);
            case "ES256" -> new Alg(name, Family.ECDSA, "SHA-256", 256);
            case "ES384" -> new Alg(name, Family.ECDSA, "SHA-384", 384);
            case "ES512" -> new Alg(name, Family.ECDSA, "SHA-512", 512);
            case "EdDSA" -> new Alg(name, Family.EDDSA, "", 0);
            default -> null;
        };
    }

    private static String jcaName(Alg a) {
        String h = a.hash().replace("-", "");
        return switch (a.family()) {
            case HMAC -> "Hmac" + h;
            case RSA -> h + "withRSA";
            case PSS -> "RSASSA-PSS";
            case ECDSA -> h + "withECDSAinP1363Format";
            case EDDSA -> "Ed25519";
        };
    }

    static byte[] sign(Alg a, Object key, byte[] input) throws BuiltinException {
        try {
            if (a.family() == Family.HMAC) {
                if (!(key instanceof byte[] secret)) throw BuiltinException.error("HMAC signing needs a symmetric (oct) key");
                return CryptoBuiltins.mac(jcaName(a), secret, input);
            }
            if (!(key instanceof PrivateKey pk)) throw BuiltinException.error(a.name() + " signing needs a private key");
            Signature s = Signature.getInstance(jcaName(a));
            if (a.family() == Family.PSS) s.setParameter(pss(a, a.bits() / 8));
            s.initSign(pk);
            s.update(input);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw BuiltinException.error("failed to sign with " + a.name() + ": " + e.getMessage());
        }
    }

    /** Whether the signature verifies; wrong key types simply do not verify. */
    static boolean verify(Alg a, Object key, byte[] input, byte[] sig) {
        try {
            if (a.family() == Family.HMAC) {
                return key instanceof byte[] secret
                        && java.security.MessageDigest.isEqual(CryptoBuiltins.mac(jcaName(a), secret, input), sig);
            }
            if (!(key instanceof PublicKey pub)) return false;
            boolean rsa = pub instanceof RSAKey;
            boolean ec = pub instanceof ECKey;
            if ((a.family() == Family.RSA || a.family() == Family.PSS) != rsa) return false;
            if (a.family() == Family.ECDSA != ec) return false;
            if (a.family() == Family.EDDSA && !pub.getAlgorithm().startsWith("Ed")) return false;
            if (a.family() == Family.PSS) {
                int hashLen = a.bits() / 8;
                int max = (((RSAKey) pub).getModulus().bitLength() + 7) / 8 - hashLen - 2;
                for (int salt : new int[] {hashLen, max, 0}) {
                    if (salt >= 0 && verifyWith(a, pub, input, sig, pss(a, salt))) return true;
                }
                return false;
            }
            return verifyWith(a, pub, input, sig, null);
        } catch (BuiltinException | GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    private static boolean verifyWith(Alg a, PublicKey pub, byte[] input, byte[] sig, PSSParameterSpec p) throws GeneralSecurityException {
        Signature s = Signature.getInstance(jcaName(a));
        if (p != null) s.setParameter(p);
        s.initVerify(pub);
        s.update(input);
        try {
            return s.verify(sig);
        } catch (java.security.SignatureException e) {
            return false;
        }
    }

    private static PSSParameterSpec pss(Alg a, int salt) {
        return new PSSParameterSpec(a.hash(), "MGF1", new MGF1ParameterSpec(a.hash()), salt, 1);
    }

    private static byte[] b64url(ObjectValue jwk, String field) throws BuiltinException {
        if (!(jwk.get(field) instanceof StringValue s)) throw BuiltinException.error("JWK is missing " + Operands.quote(field));
        try {
            return Base64.getUrlDecoder().decode(s.value().replace("=", ""));
        } catch (IllegalArgumentException e) {
            throw BuiltinException.error("JWK field " + Operands.quote(field) + " is not base64url");
        }
    }

    private static BigInteger big(ObjectValue jwk, String field) throws BuiltinException {
        return new BigInteger(1, b64url(jwk, field));
    }

    /** A JWK as a signing key: byte[] for oct, else a PrivateKey. */
    static Object signingKey(ObjectValue jwk) throws BuiltinException {
        String kty = jwk.get("kty") instanceof StringValue s ? s.value() : "";
        try {
            return switch (kty) {
                case "oct" -> b64url(jwk, "k");
                case "RSA" -> KeyFactory.getInstance("RSA").generatePrivate(new RSAPrivateCrtKeySpec(big(jwk, "n"), big(jwk, "e"),
                        big(jwk, "d"), big(jwk, "p"), big(jwk, "q"), big(jwk, "dp"), big(jwk, "dq"), big(jwk, "qi")));
                case "EC" -> KeyFactory.getInstance("EC").generatePrivate(new ECPrivateKeySpec(big(jwk, "d"), curve(jwk)));
                case "OKP" -> {
                    byte[] d = b64url(jwk, "d");
                    byte[] pkcs8 = new org.bouncycastle.asn1.pkcs.PrivateKeyInfo(
                            new org.bouncycastle.asn1.x509.AlgorithmIdentifier(org.bouncycastle.asn1.edec.EdECObjectIdentifiers.id_Ed25519),
                            new org.bouncycastle.asn1.DEROctetString(d)).getEncoded();
                    yield KeyFactory.getInstance("Ed25519").generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(pkcs8));
                }
                default -> throw BuiltinException.error("unsupported JWK key type " + Operands.quote(kty));
            };
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw BuiltinException.error("invalid JWK: " + e.getMessage());
        }
    }

    /** A JWK as a verification key: byte[] for oct, else a PublicKey. */
    static Object verificationKey(ObjectValue jwk) throws BuiltinException {
        String kty = jwk.get("kty") instanceof StringValue s ? s.value() : "";
        try {
            return switch (kty) {
                case "oct" -> b64url(jwk, "k");
                case "RSA" -> KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(big(jwk, "n"), big(jwk, "e")));
                case "EC" -> KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(new ECPoint(big(jwk, "x"), big(jwk, "y")), curve(jwk)));
                case "OKP" -> {
                    byte[] spki = new org.bouncycastle.asn1.x509.SubjectPublicKeyInfo(
                            new org.bouncycastle.asn1.x509.AlgorithmIdentifier(org.bouncycastle.asn1.edec.EdECObjectIdentifiers.id_Ed25519),
                            b64url(jwk, "x")).getEncoded();
                    yield KeyFactory.getInstance("Ed25519").generatePublic(new java.security.spec.X509EncodedKeySpec(spki));
                }
                default -> throw BuiltinException.error("unsupported JWK key type " + Operands.quote(kty));
            };
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw BuiltinException.error("invalid JWK: " + e.getMessage());
        }
    }

    private static ECParameterSpec curve(ObjectValue jwk) throws BuiltinException, GeneralSecurityException {
        String crv = jwk.get("crv") instanceof StringValue s ? s.value() : "";
        String std = switch (crv) {
            case "P-256" -> "secp256r1";
            case "P-384" -> "secp384r1";
            case "P-521" -> "secp521r1";
            default -> throw BuiltinException.error("unsupported elliptic curve " + Operands.quote(crv));
        };
        java.security.AlgorithmParameters p = java.security.AlgorithmParameters.getInstance("EC");
        p.init(new ECGenParameterSpec(std));
        return p.getParameterSpec(ECParameterSpec.class);
    }

    /** Verification keys from a PEM certificate, PEM public key, JWK or JWK set, with OPA's error messages. */
    static List<Object> publicKeys(String text) throws BuiltinException {
        List<Object> out = new ArrayList<>();
        if (text.stripLeading().startsWith("-----BEGIN")) {
            List<Pem.Block> blocks;
            try {
                blocks = Pem.decodeAll(text);
            } catch (BuiltinException e) {
                throw BuiltinException.error("failed to parse a PEM certificate");
            }
            if (blocks.isEmpty()) throw BuiltinException.error("failed to extract a Key from the PEM certificate");
            int end = text.indexOf("-----END " + blocks.getFirst().type() + "-----");
            String rest = text.substring(end + ("-----END " + blocks.getFirst().type() + "-----").length());
            if (!rest.isBlank()) throw BuiltinException.error("extra data after a PEM certificate block");
            Pem.Block b = blocks.getFirst();
            switch (b.type()) {
                case "CERTIFICATE" -> {
                    try {
                        out.add(X509Builtins.certificates(text).getFirst().getPublicKey());
                    } catch (BuiltinException | RuntimeException e) {
                        throw BuiltinException.error("failed to parse a PEM certificate");
                    }
                }
                case "PUBLIC KEY" -> {
                    try {
                        org.bouncycastle.asn1.x509.SubjectPublicKeyInfo info = org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(b.der());
                        String alg = switch (info.getAlgorithm().getAlgorithm().getId()) {
                            case "1.2.840.10045.2.1" -> "EC";
                            case "1.3.101.112" -> "Ed25519";
                            default -> "RSA";
                        };
                        out.add(KeyFactory.getInstance(alg).generatePublic(new java.security.spec.X509EncodedKeySpec(b.der())));
                    } catch (GeneralSecurityException | RuntimeException e) {
                        throw BuiltinException.error("failed to parse a PEM public key");
                    }
                }
                default -> throw BuiltinException.error("failed to extract a Key from the PEM certificate");
            }
            return out;
        }
        try {
            Value v = dev.airlock.policy.value.Json.parse(text);
            if (v instanceof ObjectValue o && o.get("keys") instanceof ArrayValue keys) {
                for (Value k : keys.elements()) out.add(verificationKey((ObjectValue) k));
            } else {
                out.add(verificationKey((ObjectValue) v));
            }
        } catch (dev.airlock.policy.value.Json.ParseException | BuiltinException | ClassCastException e) {
            throw BuiltinException.error("failed to parse a JWK key (set)");
        }
        return out;
    }

}
