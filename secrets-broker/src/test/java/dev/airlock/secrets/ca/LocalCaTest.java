package dev.airlock.secrets.ca;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalCaTest {
    @TempDir
    Path tmp;

    private Path caDir() {
        return tmp.resolve("ca");
    }

    @Test
    void createsRootWithCaExtensionsAndPrivateFileModes() throws Exception {
        LocalCa ca = LocalCa.open(caDir());
        X509Certificate root = ca.authority().certificate();

        assertEquals(0, root.getBasicConstraints(), "CA:true with pathlen 0");
        assertTrue(root.getCriticalExtensionOIDs().contains("2.5.29.19"), "basicConstraints is critical");
        boolean[] ku = root.getKeyUsage();
        assertTrue(ku[5] && ku[6], "keyCertSign and cRLSign");
        assertFalse(ku[0], "a root that only signs certificates does not need digitalSignature");
        assertTrue(root.getExtensionValue("2.5.29.14") != null, "subjectKeyIdentifier present");
        assertEquals("EC", root.getPublicKey().getAlgorithm());
        assertEquals("SHA256withECDSA", root.getSigAlgName());
        root.verify(root.getPublicKey());

        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(caDir())));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(caDir().resolve("ca-key.pem"))));
        assertTrue(Files.readString(caDir().resolve("ca.pem")).startsWith("-----BEGIN CERTIFICATE-----"));
        assertTrue(Files.readString(caDir().resolve("ca-key.pem")).startsWith("-----BEGIN PRIVATE KEY-----"));
    }

    @Test
    void reopeningLoadsTheSameCaFromDisk() {
        X509Certificate first = LocalCa.open(caDir()).authority().certificate();
        X509Certificate second = LocalCa.open(caDir()).authority().certificate();
        assertEquals(first, second);
    }

    @Test
    void leafVerifiesAgainstTheCaWithPkix() throws Exception {
        LocalCa ca = LocalCa.open(caDir());
        LeafCredentials leaf = ca.mint("api.example.com");
        validate(leaf.leaf(), ca.authority().certificate());

        X509Certificate cert = leaf.leaf();
        assertEquals(List.of("1.3.6.1.5.5.7.3.1"), cert.getExtendedKeyUsage(), "serverAuth only");
        assertEquals(-1, cert.getBasicConstraints(), "not a CA");
        assertTrue(cert.getExtensionValue("2.5.29.35") != null, "authorityKeyIdentifier present");
        assertSame(leaf.chain()[1].getClass(), ca.authority().certificate().getClass());
        assertEquals(ca.authority().certificate(), leaf.chain()[1], "chain is leaf then root");
    }

    @Test
    void leafValidityIsShortAndBackdated() {
        Instant now = Instant.parse("2030-01-01T00:00:00Z");
        AtomicReference<Instant> clock = new AtomicReference<>(now);
        LocalCa ca = LocalCa.open(new CaDirectory(caDir(), clock::get), clock::get, 16);
        X509Certificate cert = ca.mint("a.example").leaf();
        assertEquals(now.minus(Duration.ofDays(1)), cert.getNotBefore().toInstant());
        assertEquals(now.plus(Duration.ofDays(7)), cert.getNotAfter().toInstant());
    }

    @Test
    void subjectAltNamesForDnsNamesAndIpAddresses() throws Exception {
        LocalCa ca = LocalCa.open(caDir());
        assertEquals(List.of(List.of(2, "api.example.com")), sans(ca.mint("API.Example.com.").leaf()),
                "DNS name is lower-cased, trailing dot dropped");
        assertEquals(List.of(List.of(7, "10.1.2.3")), sans(ca.mint("10.1.2.3").leaf()));
        assertEquals(List.of(List.of(7, "2001:db8:0:0:0:0:0:1")), sans(ca.mint("[2001:db8::1]").leaf()));
        assertEquals(List.of(List.of(7, "2001:db8:0:0:0:0:0:1")), sans(ca.mint("2001:db8::1").leaf()));
    }

    @Test
    void refusesToMintForInvalidHosts() {
        LocalCa ca = LocalCa.open(caDir());
        for (String bad : new String[] {"", "a..b", "foo/bar", "*.example.com", "bücher.example", "127.1", "fe80::1%eth0", "-a.example"}) {
            assertThrows(IllegalArgumentException.class, () -> ca.mint(bad), bad);
        }
    }

    @Test
    void secondMintIsACacheHitAndAllLeavesShareOneKey() {
        LocalCa ca = LocalCa.open(caDir());
        LeafCredentials first = ca.mint("api.example.com");
        LeafCredentials again = ca.mint("API.EXAMPLE.COM");
        assertSame(first, again, "same canonical host is served from the cache");
        LeafCredentials other = ca.mint("other.example.com");
        assertNotEquals(first.leaf(), other.leaf());
        assertEquals(first.privateKey(), other.privateKey(), "one leaf key pair per CA generation");
        assertEquals(2, ca.minter().cachedLeaves());
    }

    @Test
    void cachedLeafIsReplacedBeforeItExpires() {
        AtomicReference<Instant> clock = new AtomicReference<>(Instant.parse("2030-01-01T00:00:00Z"));
        LocalCa ca = LocalCa.open(new CaDirectory(caDir(), clock::get), clock::get, 16);
        LeafCredentials first = ca.mint("api.example.com");
        clock.set(clock.get().plus(Duration.ofDays(5)));
        assertSame(first, ca.mint("api.example.com"), "still two days of validity left");
        clock.set(clock.get().plus(Duration.ofDays(1)).plusSeconds(1));
        LeafCredentials renewed = ca.mint("api.example.com");
        assertNotEquals(first.leaf(), renewed.leaf(), "renewed a day before expiry");
        assertTrue(renewed.leaf().getNotAfter().toInstant().isAfter(clock.get().plus(Duration.ofDays(6))));
    }

    @Test
    void rotateCreatesNewCaKeepsBackupsAndInvalidatesLeaves() throws Exception {
        LocalCa ca = LocalCa.open(caDir());
        X509Certificate oldRoot = ca.authority().certificate();
        String oldPem = Files.readString(caDir().resolve("ca.pem"));
        LeafCredentials oldLeaf = ca.mint("api.example.com");

        ca.rotate();

        X509Certificate newRoot = ca.authority().certificate();
        assertNotEquals(oldRoot, newRoot);
        assertEquals(0, ca.minter().cachedLeaves(), "rotation drops cached leaves");
        LeafCredentials newLeaf = ca.mint("api.example.com");
        assertNotEquals(oldLeaf.leaf(), newLeaf.leaf());
        validate(newLeaf.leaf(), newRoot);
        assertThrows(CertPathValidatorException.class, () -> validate(oldLeaf.leaf(), newRoot));

        try (var files = Files.list(caDir())) {
            List<String> names = files.map(p -> p.getFileName().toString()).sorted().toList();
            String backupCert = names.stream().filter(n -> n.matches("ca-\\d{8}T\\d{6}Z\\.pem")).findFirst().orElseThrow(() -> new AssertionError(names));
            String backupKey = names.stream().filter(n -> n.matches("ca-key-\\d{8}T\\d{6}Z\\.pem")).findFirst().orElseThrow(() -> new AssertionError(names));
            assertEquals(oldPem, Files.readString(caDir().resolve(backupCert)));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(caDir().resolve(backupKey))));
        }
        assertEquals(newRoot, LocalCa.open(caDir()).authority().certificate(), "the new CA is what is on disk");
    }

    @Test
    void reloadPicksUpARotationByAnotherProcess() {
        LocalCa gateway = LocalCa.open(caDir());
        LeafCredentials before = gateway.mint("api.example.com");
        new CaDirectory(caDir()).rotate(); // e.g. `airlock ca rotate` in another process
        gateway.reload();
        assertNotEquals(before.leaf(), gateway.mint("api.example.com").leaf());
    }

    @Test
    void corruptedCertificateNamesTheFileAndWhatToDo() throws Exception {
        LocalCa.open(caDir());
        Files.writeString(caDir().resolve("ca.pem"), "-----BEGIN CERTIFICATE-----\nnot base64!!\n-----END CERTIFICATE-----\n");
        CaException e = assertThrows(CaException.class, () -> new CaDirectory(caDir()).load());
        assertTrue(e.getMessage().contains(caDir().resolve("ca.pem").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("airlock ca rotate"), e.getMessage());
    }

    @Test
    void garbageKeyNamesTheKeyFile() throws Exception {
        LocalCa.open(caDir());
        Path key = caDir().resolve("ca-key.pem");
        Files.writeString(key, "hello");
        CaException e = assertThrows(CaException.class, () -> new CaDirectory(caDir()).load());
        assertTrue(e.getMessage().startsWith("cannot read the CA private key " + key), e.getMessage());
    }

    @Test
    void keyOfAnotherCaIsRejected() throws Exception {
        LocalCa.open(caDir());
        Path other = tmp.resolve("other");
        LocalCa.open(other);
        Files.copy(other.resolve("ca-key.pem"), caDir().resolve("ca-key.pem"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        CaException e = assertThrows(CaException.class, () -> new CaDirectory(caDir()).load());
        assertTrue(e.getMessage().contains("is not the private key of"), e.getMessage());
    }

    @Test
    void missingHalfOfTheCaIsReportedNotRecreated() throws Exception {
        LocalCa.open(caDir());
        Files.delete(caDir().resolve("ca.pem"));
        CaException e = assertThrows(CaException.class, () -> LocalCa.open(caDir()));
        assertTrue(e.getMessage().contains(caDir().resolve("ca.pem") + " is missing"), e.getMessage());
    }

    @Test
    void keyReadableByOthersIsRefused() throws Exception {
        LocalCa.open(caDir());
        Path key = caDir().resolve("ca-key.pem");
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        CaException e = assertThrows(CaException.class, () -> new CaDirectory(caDir()).load());
        assertTrue(e.getMessage().contains("chmod 600 " + key), e.getMessage());
    }

    @Test
    void rotateRepairsACorruptedCa() throws Exception {
        LocalCa.open(caDir());
        Files.writeString(caDir().resolve("ca.pem"), "garbage");
        CertificateAuthority fresh = new CaDirectory(caDir()).rotate();
        assertEquals(fresh.certificate(), new CaDirectory(caDir()).load().certificate());
    }

    @Test
    void pemFilesRoundTrip() throws Exception {
        LocalCa ca = LocalCa.open(caDir());
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        try (var in = Files.newInputStream(caDir().resolve("ca.pem"))) {
            assertEquals(ca.authority().certificate(), cf.generateCertificate(in));
        }
        assertArrayEquals(ca.authority().certificate().getEncoded(),
                Pem.decodeCertificate(ca.authority().certificatePem()).getEncoded());
    }

    static void validate(X509Certificate leaf, X509Certificate root) throws Exception {
        CertificateFactory cf = CertificateFactory.getInstance("X.509");
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(root, null)));
        params.setRevocationEnabled(false);
        params.setDate(new Date());
        CertPathValidator.getInstance("PKIX").validate(cf.generateCertPath(List.of(leaf)), params);
    }

    private static List<List<?>> sans(X509Certificate cert) throws Exception {
        Collection<List<?>> names = cert.getSubjectAlternativeNames();
        return List.copyOf(names);
    }
}
