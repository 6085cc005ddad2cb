package dev.airlock.policy.builtins;

import dev.airlock.policy.value.ArrayValue;
import dev.airlock.policy.value.BoolValue;
import dev.airlock.policy.value.NullValue;
import dev.airlock.policy.value.NumberValue;
import dev.airlock.policy.value.ObjectValue;
import dev.airlock.policy.value.StringValue;
import dev.airlock.policy.value.Value;
import java.math.BigInteger;
import java.net.URI;
import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.pkcs.Attribute;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/** JSON shapes of Go's x509.Certificate and x509.CertificateRequest, as OPA returns them. Empty lists are null, as Go marshals nil slices. */
final class X509Json {
    private X509Json() {}

    private static final Map<String, Integer> SIG_ALGS = Map.ofEntries(
            Map.entry("1.2.840.113549.1.1.2", 1), Map.entry("1.2.840.113549.1.1.4", 2), Map.entry("1.2.840.113549.1.1.5", 3),
            Map.entry("1.2.840.113549.1.1.11", 4), Map.entry("1.2.840.113549.1.1.12", 5), Map.entry("1.2.840.113549.1.1.13", 6),
            Map.entry("1.2.840.10040.4.3", 7), Map.entry("2.16.840.1.101.3.4.3.2", 8), Map.entry("1.2.840.10045.4.1", 9),
            Map.entry("1.2.840.10045.4.3.2", 10), Map.entry("1.2.840.10045.4.3.3", 11), Map.entry("1.2.840.10045.4.3.4", 12),
            Map.entry("1.2.840.113549.1.1.10", 13), Map.entry("1.3.101.112", 16));

    private static final Map<String, Integer> EXT_KEY_USAGE = Map.ofEntries(
            Map.entry("2.5.29.37.0", 0), Map.entry("1.3.6.1.5.5.7.3.1", 1), Map.entry("1.3.6.1.5.5.7.3.2", 2),
            Map.entry("1.3.6.1.5.5.7.3.3", 3), Map.entry("1.3.6.1.5.5.7.3.4", 4), Map.entry("1.3.6.1.5.5.7.3.5", 5),
            Map.entry("1.3.6.1.5.5.7.3.6", 6), Map.entry("1.3.6.1.5.5.7.3.7", 7), Map.entry("1.3.6.1.5.5.7.3.8", 8),
            Map.entry("1.3.6.1.5.5.7.3.9", 9), Map.entry("1.3.6.1.4.1.311.10.3.3", 10), Map.entry("2.16.840.1.113730.4.1", 11),
            Map.entry("1.3.6.1.4.1.311.2.1.22", 12), Map.entry("1.3.6.1.4.1.311.61.1.1", 13));

    private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'");

    static Value certificate(X509Certificate c) throws BuiltinException {
        TreeMap<Value, Value> m = new TreeMap<>();
        try {
            put(m, "Raw", b64(c.getEncoded()));
            put(m, "RawTBSCertificate", b64(c.getTBSCertificate()));
        } catch (CertificateEncodingException e) {
            throw BuiltinException.error("x509: malformed certificate");
        }
        put(m, "RawSubjectPublicKeyInfo", b64(c.getPublicKey().getEncoded()));
        put(m, "RawSubject", b64(c.getSubjectX500Principal().getEncoded()));
        put(m, "RawIssuer", b64(c.getIssuerX500Principal().getEncoded()));
        put(m, "Signature", b64(c.getSignature()));
        put(m, "SignatureAlgorithm", NumberValue.of(SIG_ALGS.getOrDefault(c.getSigAlgOID(), 0)));
        publicKey(m, c.getPublicKey());
        put(m, "Version", NumberValue.of(c.getVersion()));
        put(m, "SerialNumber", NumberValue.of(c.getSerialNumber()));
        put(m, "Issuer", name(X500Name.getInstance(c.getIssuerX500Principal().getEncoded())));
        put(m, "Subject", name(X500Name.getInstance(c.getSubjectX500Principal().getEncoded())));
        put(m, "NotBefore", StringValue.of(RFC3339.format(c.getNotBefore().toInstant().atOffset(ZoneOffset.UTC))));
        put(m, "NotAfter", StringValue.of(RFC3339.format(c.getNotAfter().toInstant().atOffset(ZoneOffset.UTC))));
        int keyUsage = 0;
        boolean[] ku = c.getKeyUsage();
        if (ku != null) for (int i = 0; i < ku.length && i < 9; i++) if (ku[i]) keyUsage |= 1 << i;
        put(m, "KeyUsage", NumberValue.of(keyUsage));
        Extensions exts = extensions(c);
        put(m, "Extensions", extensionList(exts));
        put(m, "ExtraExtensions", NullValue.NULL);
        put(m, "UnhandledCriticalExtensions", NullValue.NULL);
        List<Value> eku = new ArrayList<>();
        List<Value> unknownEku = new ArrayList<>();
        try {
            List<String> ekus = c.getExtendedKeyUsage();
            if (ekus != null) {
                for (String oid : ekus) {
                    Integer known = EXT_KEY_USAGE.get(oid);
                    if (known != null) eku.add(NumberValue.of(known));
                    else unknownEku.add(oidArray(oid));
                }
            }
        } catch (CertificateParsingException e) {
            throw BuiltinException.error("x509: malformed extended key usage");
        }
        put(m, "ExtKeyUsage", listOrNull(eku));
        put(m, "UnknownExtKeyUsage", listOrNull(unknownEku));
        int pathLen = c.getBasicConstraints();
        boolean basic = exts != null && exts.getExtension(Extension.basicConstraints) != null;
        put(m, "BasicConstraintsValid", BoolValue.of(basic));
        put(m, "IsCA", BoolValue.of(pathLen >= 0));
        put(m, "MaxPathLen", NumberValue.of(pathLen == Integer.MAX_VALUE || (basic && pathLen < 0) ? -1 : Math.max(pathLen, 0)));
        put(m, "MaxPathLenZero", BoolValue.of(pathLen == 0));
        put(m, "SubjectKeyId", extensionOctets(exts, Extension.subjectKeyIdentifier, true));
        put(m, "AuthorityKeyId", extensionOctets(exts, Extension.authorityKeyIdentifier, false));
        sans(m, c);
        return ObjectValue.wrap(m);
    }

    static Value request(PKCS10CertificationRequest r) throws BuiltinException {
        TreeMap<Value, Value> m = new TreeMap<>();
        try {
            put(m, "Raw", b64(r.getEncoded()));
            put(m, "RawTBSCertificateRequest", b64(r.toASN1Structure().getCertificationRequestInfo().getEncoded()));
            put(m, "RawSubjectPublicKeyInfo", b64(r.getSubjectPublicKeyInfo().getEncoded()));
            put(m, "RawSubject", b64(r.getSubject().getEncoded()));
            put(m, "Version", NumberValue.of(r.toASN1Structure().getCertificationRequestInfo().getVersion().getValue()));
            put(m, "Signature", b64(r.getSignature()));
            put(m, "SignatureAlgorithm", NumberValue.of(SIG_ALGS.getOrDefault(r.getSignatureAlgorithm().getAlgorithm().getId(), 0)));
            PublicKey pk = java.security.KeyFactory.getInstance(keyAlgorithm(r.getSubjectPublicKeyInfo().getAlgorithm().getAlgorithm().getId()))
                    .generatePublic(new java.security.spec.X509EncodedKeySpec(r.getSubjectPublicKeyInfo().getEncoded()));
            publicKey(m, pk);
        } catch (java.io.IOException | java.security.GeneralSecurityException e) {
            throw BuiltinException.error("asn1: structure error: " + e.getMessage());
        }
        put(m, "Subject", name(r.getSubject()));
        Extensions exts = null;
        List<Value> attrs = new ArrayList<>();
        for (Attribute a : r.getAttributes()) {
            if (a.getAttrType().equals(PKCSObjectIdentifiers.pkcs_9_at_extensionRequest) && a.getAttrValues().size() > 0) {
                exts = Extensions.getInstance(a.getAttrValues().getObjectAt(0));
            }
        }
        put(m, "Attributes", listOrNull(attrs));
        put(m, "Extensions", extensionList(exts));
        put(m, "ExtraExtensions", NullValue.NULL);
        List<Value> dns = new ArrayList<>();
        List<Value> emails = new ArrayList<>();
        List<Value> ips = new ArrayList<>();
        List<Value> uris = new ArrayList<>();
        List<Value> uriStrings = new ArrayList<>();
        if (exts != null && exts.getExtension(Extension.subjectAlternativeName) != null) {
            for (GeneralName g : GeneralNames.getInstance(exts.getExtension(Extension.subjectAlternativeName).getParsedValue()).getNames()) {
                addSan(g.getTagNo(), g.getTagNo() == GeneralName.iPAddress ? ipText(g) : g.getName().toString(), dns, emails, ips, uris, uriStrings);
            }
        }
        put(m, "DNSNames", listOrNull(dns));
        put(m, "EmailAddresses", listOrNull(emails));
        put(m, "IPAddresses", listOrNull(ips));
        put(m, "URIs", listOrNull(uris));
        return ObjectValue.wrap(m);
    }

    private static String keyAlgorithm(String oid) {
        return switch (oid) {
            case "1.2.840.10045.2.1" -> "EC";
            case "1.3.101.112" -> "Ed25519";
            default -> "RSA";
        };
    }

    private static String ipText(GeneralName g) {
        byte[] b = org.bouncycastle.asn1.ASN1OctetString.getInstance(g.getName()).getOctets();
        return IpNet.format(new BigInteger(1, b), b.length * 8);
    }

    private static void sans(TreeMap<Value, Value> m, X509Certificate c) throws BuiltinException {
        List<Value> dns = new ArrayList<>();
        List<Value> emails = new ArrayList<>();
        List<Value> ips = new ArrayList<>();
        List<Value> uris = new ArrayList<>();
        List<Value> uriStrings = new ArrayList<>();
        try {
            Collection<List<?>> names = c.getSubjectAlternativeNames();
            if (names != null) {
                for (List<?> n : names) {
                    int type = (Integer) n.get(0);
                    if (n.get(1) instanceof String s) {
                        String value = type == GeneralName.iPAddress ? normalizeIp(s) : s;
                        addSan(type, value, dns, emails, ips, uris, uriStrings);
                    }
                }
            }
        } catch (CertificateParsingException e) {
            throw BuiltinException.error("x509: malformed subject alternative names");
        }
        put(m, "DNSNames", listOrNull(dns));
        put(m, "EmailAddresses", listOrNull(emails));
        put(m, "IPAddresses", listOrNull(ips));
        put(m, "URIs", listOrNull(uris));
        put(m, "URIStrings", listOrNull(uriStrings));
    }

    private static String normalizeIp(String s) {
        BigInteger[] ip = IpNet.parseIp(s);
        return ip == null ? s : IpNet.format(ip[0], ip[1].intValue());
    }

    private static void addSan(int type, String value, List<Value> dns, List<Value> emails, List<Value> ips,
            List<Value> uris, List<Value> uriStrings) {
        switch (type) {
            case GeneralName.dNSName -> dns.add(StringValue.of(value));
            case GeneralName.rfc822Name -> emails.add(StringValue.of(value));
            case GeneralName.iPAddress -> ips.add(StringValue.of(value));
            case GeneralName.uniformResourceIdentifier -> {
                uris.add(urlObject(value));
                uriStrings.add(StringValue.of(value));
            }
            default -> {}
        }
    }

    /** Go's url.URL as JSON. */
    private static Value urlObject(String s) {
        TreeMap<Value, Value> m = new TreeMap<>();
        String scheme = "";
        String opaque = "";
        String host = "";
        String path = "";
        String query = "";
        String fragment = "";
        try {
            URI u = new URI(s);
            scheme = u.getScheme() == null ? "" : u.getScheme();
            if (u.isOpaque()) opaque = u.getRawSchemeSpecificPart();
            host = u.getRawAuthority() == null ? "" : u.getRawAuthority();
            path = u.getPath() == null ? "" : u.getPath();
            query = u.getRawQuery() == null ? "" : u.getRawQuery();
            fragment = u.getFragment() == null ? "" : u.getFragment();
        } catch (java.net.URISyntaxException e) {
            opaque = s;
        }
        put(m, "Scheme", StringValue.of(scheme));
        put(m, "Opaque", StringValue.of(opaque));
        put(m, "User", NullValue.NULL);
        put(m, "Host", StringValue.of(host));
        put(m, "Path", StringValue.of(path));
        put(m, "RawPath", StringValue.of(""));
        put(m, "OmitHost", BoolValue.FALSE);
        put(m, "ForceQuery", BoolValue.FALSE);
        put(m, "RawQuery", StringValue.of(query));
        put(m, "Fragment", StringValue.of(fragment));
        put(m, "RawFragment", StringValue.of(""));
        return ObjectValue.wrap(m);
    }

    private static Extensions extensions(X509Certificate c) throws BuiltinException {
        try {
            org.bouncycastle.asn1.x509.Certificate bc = org.bouncycastle.asn1.x509.Certificate.getInstance(c.getEncoded());
            return bc.getTBSCertificate().getExtensions();
        } catch (CertificateEncodingException | RuntimeException e) {
            throw BuiltinException.error("x509: malformed certificate");
        }
    }

    private static Value extensionList(Extensions exts) {
        if (exts == null) return NullValue.NULL;
        List<Value> out = new ArrayList<>();
        for (ASN1ObjectIdentifier oid : exts.getExtensionOIDs()) {
            Extension e = exts.getExtension(oid);
            TreeMap<Value, Value> m = new TreeMap<>();
            put(m, "Id", oidArray(oid.getId()));
            put(m, "Critical", BoolValue.of(e.isCritical()));
            put(m, "Value", b64(e.getExtnValue().getOctets()));
            out.add(ObjectValue.wrap(m));
        }
        return listOrNull(out);
    }

    private static Value extensionOctets(Extensions exts, ASN1ObjectIdentifier oid, boolean subject) {
        if (exts == null || exts.getExtension(oid) == null) return NullValue.NULL;
        try {
            if (subject) {
                return b64(org.bouncycastle.asn1.ASN1OctetString.getInstance(exts.getExtension(oid).getParsedValue()).getOctets());
            }
            byte[] id = org.bouncycastle.asn1.x509.AuthorityKeyIdentifier.getInstance(exts.getExtension(oid).getParsedValue()).getKeyIdentifier();
            return id == null ? NullValue.NULL : b64(id);
        } catch (RuntimeException e) {
            return NullValue.NULL;
        }
    }

    private static void publicKey(TreeMap<Value, Value> m, PublicKey key) {
        TreeMap<Value, Value> pk = new TreeMap<>();
        int alg = 0;
        switch (key) {
            case RSAPublicKey r -> {
                alg = 1;
                put(pk, "N", NumberValue.of(r.getModulus()));
                put(pk, "E", NumberValue.of(r.getPublicExponent()));
            }
            case ECPublicKey e -> {
                alg = 3;
                TreeMap<Value, Value> curve = new TreeMap<>();
                put(curve, "BitSize", NumberValue.of(e.getParams().getCurve().getField().getFieldSize()));
                put(pk, "Curve", ObjectValue.wrap(curve));
                put(pk, "X", NumberValue.of(e.getW().getAffineX()));
                put(pk, "Y", NumberValue.of(e.getW().getAffineY()));
            }
            case null -> {}
            default -> {
                if (key.getAlgorithm().startsWith("Ed")) {
                    alg = 4;
                    byte[] enc = key.getEncoded();
                    put(m, "PublicKey", b64(java.util.Arrays.copyOfRange(enc, enc.length - 32, enc.length)));
                    put(m, "PublicKeyAlgorithm", NumberValue.of(alg));
                    return;
                }
            }
        }
        put(m, "PublicKeyAlgorithm", NumberValue.of(alg));
        put(m, "PublicKey", ObjectValue.wrap(pk));
    }

    /** Go's pkix.Name. */
    private static Value name(X500Name n) {
        TreeMap<String, List<Value>> byField = new TreeMap<>();
        List<Value> names = new ArrayList<>();
        String serial = "";
        String cn = "";
        for (RDN rdn : n.getRDNs()) {
            for (AttributeTypeAndValue atv : rdn.getTypesAndValues()) {
                String value = text(atv.getValue());
                String oid = atv.getType().getId();
                TreeMap<Value, Value> entry = new TreeMap<>();
                put(entry, "Type", oidArray(oid));
                put(entry, "Value", StringValue.of(value));
                names.add(ObjectValue.wrap(entry));
                String field = switch (oid) {
                    case "2.5.4.6" -> "Country";
                    case "2.5.4.10" -> "Organization";
                    case "2.5.4.11" -> "OrganizationalUnit";
                    case "2.5.4.7" -> "Locality";
                    case "2.5.4.8" -> "Province";
                    case "2.5.4.9" -> "StreetAddress";
                    case "2.5.4.17" -> "PostalCode";
                    default -> null;
                };
                if (field != null) byField.computeIfAbsent(field, k -> new ArrayList<>()).add(StringValue.of(value));
                if (oid.equals("2.5.4.5")) serial = value;
                if (oid.equals("2.5.4.3")) cn = value;
            }
        }
        TreeMap<Value, Value> m = new TreeMap<>();
        for (String f : List.of("Country", "Organization", "OrganizationalUnit", "Locality", "Province", "StreetAddress", "PostalCode")) {
            put(m, f, listOrNull(byField.getOrDefault(f, List.of())));
        }
        put(m, "SerialNumber", StringValue.of(serial));
        put(m, "CommonName", StringValue.of(cn));
        put(m, "Names", listOrNull(names));
        put(m, "ExtraNames", NullValue.NULL);
        return ObjectValue.wrap(m);
    }

    private static String text(ASN1Encodable v) {
        return v instanceof ASN1String s ? s.getString() : v.toString();
    }

    private static Value oidArray(String oid) {
        List<Value> parts = new ArrayList<>();
        for (String p : oid.split("\\.")) parts.add(NumberValue.of(new BigInteger(p)));
        return new ArrayValue(parts);
    }

    private static Value listOrNull(List<Value> xs) {
        return xs.isEmpty() ? NullValue.NULL : new ArrayValue(xs);
    }

    private static Value b64(byte[] b) {
        return StringValue.of(Base64.getEncoder().encodeToString(b));
    }

    private static void put(TreeMap<Value, Value> m, String k, Value v) {
        m.put(StringValue.of(k), v);
    }
}
